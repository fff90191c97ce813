/**
 * The runtime's record of remembered event ids (docs/runtime.md, "Duplicates and the horizon";
 * docs/performance.md, "Memory and simulate floor"): a map from id to its event's `at`, in the
 * order the ids were processed, that reads, iterates and snapshots as a `Map` does.
 *
 * It keeps everything in typed arrays, off the JavaScript heap. A `Map` of a million string keys
 * is about 45 bytes per id on the heap, and the garbage collector's headroom over that live set
 * (and the old ids a horizon drops, which die in the old generation) made the peak memory of a
 * long `simulate` grow with the stream even when the horizon kept the live ids few. Here an id
 * costs its characters plus about 8 bytes, and a forgotten one costs nothing more once the
 * front of the queue is dropped.
 *
 * - `bytes` holds each id once, in processing order: a length header (one byte, or five for a
 *   long id) then its UTF-16 code units, one byte each when all are below 256, else two.
 * - Per place (the id's number in processing order): `starts`, where its bytes begin (-1 once
 *   deleted; 32-bit while the arena is at most 2 GiB, else 64-bit numbers), and `ats`, its time
 *   as a distance from `base` while every time is a whole number within 32 bits of it, else as
 *   itself in a `Float64Array`.
 * - `slots`, an open-addressing hash table (linear probing, at most half full): a place + 1, or
 *   EMPTY, or DELETED where an id was removed, so that probing goes on past it; `tags` beside it,
 *   each slot's hash, so that a probe reads an id's place and bytes only when the hashes agree.
 *
 * Forgetting walks the places from `head`; once more than 1,024 places and more than half of
 * them are forgotten, the live ones move to the front and the table is rebuilt: each place is
 * copied O(1) times.
 * Room for an id is made before anything changes (`reserve`), up to remembered-limits.ts's limits.
 */

import { hashOf, hashUnits, headerBytes, headerFor, readHeader, readUnits, sameUnits, writeId } from './id-bytes.js';
import { RememberedIdsFull, rememberedLimits } from './remembered-limits.js';

const EMPTY = 0;
const DELETED = -1;
const MIN_SLOTS = 16;
const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

export class RememberedIds implements Map<string, number> {
  readonly [Symbol.toStringTag] = 'Map';
  /** Seeded at random so that no chosen set of ids can make every probe collide (it orders nothing). */
  private readonly seed = (Math.random() * 0x100000000) | 0;
  private bytes = new Uint8Array(256);
  private used = 0;
  private starts: Int32Array | Float64Array = new Int32Array(16);
  private ats: Int32Array | Float64Array = new Int32Array(16);
  private base = 0;
  /** Places handed out so far, and the first one not yet forgotten. */
  private count = 0;
  private head = 0;
  /** Places removed from the front so far (compactions, clears): a running iterator's reference. */
  private dropped = 0;
  private live = 0;
  private slots = new Int32Array(MIN_SLOTS);
  /**
   * Beside each slot, the hash of its id: a probe passes an id of another hash without reading
   * its place and bytes, two reads that would each miss the CPU cache in a large table.
   */
  private tags = new Int32Array(MIN_SLOTS);
  /** The first slot a probe of `find` could insert at (EMPTY or DELETED), for `set` right after. */
  private free = 0;
  /** Slots not EMPTY (live and DELETED). */
  private filled = 0;
  /**
   * The id the last `get` did not find, while `free` still holds the slot that lookup ended at:
   * any other lookup or change of the table forgets it.
   */
  private missed: string | undefined = undefined;
  /** The last id hashed: `admit` asks for the same id up to three times in a row. */
  private lastId: string | undefined = undefined;
  private lastHash = 0;

  get size(): number {
    return this.live;
  }

  get(id: string): number | undefined {
    const slot = this.find(id);
    if (slot >= 0) return this.atOf(this.slots[slot]! - 1);
    this.missed = id;
    return undefined;
  }

  has(id: string): boolean {
    return this.find(id) >= 0;
  }

  set(id: string, at: number): this {
    // `admit` sets a new id right after `get` missed it: the slot that lookup found is still free.
    if (id === this.missed) {
      this.missed = undefined;
      if (this.fits(id)) {
        this.append(id, at, this.free);
        return this;
      }
    }
    const slot = this.find(id);
    // As in a Map, an id set again keeps its place (admit() deletes it first to move it).
    if (slot >= 0) this.writeAt(this.slots[slot]! - 1, at);
    else {
      // Making room may compact, which moves the slots: the lookup is done again.
      if (!this.fits(id)) {
        this.makeRoom(id);
        this.find(id);
      }
      this.append(id, at, this.free);
    }
    return this;
  }

  /** Room at the end for `id`, or RememberedIdsFull with nothing changed: `admit` asks before it changes the map. */
  reserve(id: string): void {
    if (!this.fits(id)) this.makeRoom(id);
  }

  delete(id: string): boolean {
    const slot = this.find(id);
    if (slot < 0) return false;
    this.starts[this.slots[slot]! - 1] = -1;
    this.slots[slot] = DELETED;
    this.live--;
    return true;
  }

  clear(): void {
    this.missed = undefined;
    this.dropped += this.count;
    this.bytes = new Uint8Array(256);
    this.used = 0;
    this.starts = new Int32Array(16);
    this.ats = new Int32Array(16);
    this.base = 0;
    this.count = 0;
    this.head = 0;
    this.live = 0;
    this.slots = new Int32Array(MIN_SLOTS);
    this.tags = new Int32Array(MIN_SLOTS);
    this.filled = 0;
  }

  *entries(): MapIterator<[string, number]> {
    for (const place of this.places()) yield [this.idAt(place), this.atOf(place)];
  }

  *keys(): MapIterator<string> {
    for (const place of this.places()) yield this.idAt(place);
  }

  *values(): MapIterator<number> {
    for (const place of this.places()) yield this.atOf(place);
  }

  /**
   * The live places in order, as a `Map`'s iterator sees its entries while they change: an id
   * deleted or forgotten before the iterator reaches it is skipped, one added is visited. It counts
   * places from the first ever (`dropped` of them moved out by compactions or a clear), so a
   * compaction under it does not make it skip or repeat one.
   */
  private *places(): Generator<number> {
    for (let n = this.dropped + this.head; ; n++) {
      let place = n - this.dropped;
      if (place < this.head) {
        place = this.head;
        n = this.dropped + place;
      }
      if (place >= this.count) return;
      if (this.starts[place]! >= 0) yield place;
    }
  }

  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }

  forEach(fn: (at: number, id: string, map: Map<string, number>) => void, thisArg?: unknown): void {
    for (const [id, at] of this.entries()) fn.call(thisArg, at, id, this);
  }

  /** Drop ids dated before `cutoff` from the front, up to the first that is not. */
  forgetBefore(cutoff: number): void {
    this.missed = undefined;
    let place = this.head;
    for (; place < this.count; place++) {
      // A place left by an id that moved to the end (a redelivery) is skipped, whatever its time.
      if (this.starts[place]! < 0) continue;
      if (this.atOf(place) >= cutoff) break;
      // Places before `head` are never read again: only the slot needs the mark.
      this.slots[this.slotOfPlace(place)] = DELETED;
      this.live--;
    }
    this.head = place;
    if (place > 1024 && place * 2 > this.count) this.compact();
  }

  /** The slot holding `id`, or -1; `free` is then the first slot where it could go. */
  private find(id: string): number {
    this.missed = undefined;
    const { slots, tags } = this;
    const mask = slots.length - 1;
    const h = this.hash(id);
    let free = -1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === EMPTY) {
        this.free = free < 0 ? i : free;
        return -1;
      }
      if (s < 0) {
        if (free < 0) free = i;
      } else if (tags[i] === h && this.matches(s - 1, id)) return i;
    }
  }

  private hash(id: string): number {
    if (id !== this.lastId) {
      this.lastHash = hashOf(id, this.seed);
      this.lastId = id;
    }
    return this.lastHash;
  }

  /** Whether the live place `place` holds `id`. */
  private matches(place: number, id: string): boolean {
    const header = this.headerOf(place);
    return header >>> 1 === id.length && sameUnits(this.bytes, this.body, header, id);
  }

  /** A new id at the end, its slot `slot` (from the `find` that missed it). */
  private append(id: string, at: number, slot: number): void {
    const header = headerFor(id);
    const p = writeId(this.bytes, this.used, header, id);
    const place = this.count++;
    this.starts[place] = this.used;
    this.used = p;
    if (place === 0) this.base = Number.isInteger(at) ? at : 0;
    this.writeAt(place, at);
    this.live++;
    if (this.slots[slot] === EMPTY) this.filled++;
    this.slots[slot] = place + 1;
    this.tags[slot] = this.hash(id);
    if (this.filled * 2 > this.slots.length) this.rebuildSlots();
  }

  /** Into a table being rebuilt, which has no DELETED marks. */
  private insertSlot(hash: number, place: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash & mask;
    while (slots[i]! !== EMPTY) i = (i + 1) & mask;
    this.filled++;
    slots[i] = place + 1;
    this.tags[i] = hash;
  }

  /** The slot pointing at `place`, found by hashing its stored id. */
  private slotOfPlace(place: number): number {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = this.storedHash(place) & mask;
    while (slots[i] !== place + 1) i = (i + 1) & mask;
    return i;
  }

  /** Where the code units of the id read by the last `headerOf` begin. */
  private body = 0;

  /** The length header of the id at `place` (id-bytes.ts); sets `body`. */
  private headerOf(place: number): number {
    const start = this.starts[place]!;
    const header = readHeader(this.bytes, start);
    this.body = start + headerBytes(header);
    return header;
  }

  /** `hashOf` of the id stored at `place`, read from its bytes (no string is made). */
  private storedHash(place: number): number {
    const header = this.headerOf(place);
    return hashUnits(this.bytes, this.body, header, this.seed);
  }

  private idAt(place: number): string {
    const header = this.headerOf(place);
    return readUnits(this.bytes, this.body, header);
  }

  private atOf(place: number): number {
    return this.ats instanceof Int32Array ? this.ats[place]! + this.base : this.ats[place]!;
  }

  private writeAt(place: number, at: number): void {
    if (this.ats instanceof Int32Array) {
      const d = at - this.base;
      if (Number.isInteger(d) && d >= INT32_MIN && d <= INT32_MAX) {
        this.ats[place] = d;
        return;
      }
      // A time that is not whole, or too far from the others: every time is kept as itself from now on.
      const base = this.base;
      this.ats = Float64Array.from(this.ats, (d) => d + base);
      this.base = 0;
    }
    this.ats[place] = at;
  }

  /** Whether `append` has room for `id` (its bytes at most: a five-byte header, two per code unit) and a place. */
  private fits(id: string): boolean {
    return this.used + 5 + id.length * 2 <= this.bytes.length && this.count < this.starts.length;
  }

  /** The slow path of `reserve`: every array is sized (or the front dropped) before one is written. */
  private makeRoom(id: string): void {
    this.missed = undefined;
    const header = headerFor(id);
    const size = headerBytes(header) + ((header >>> 1) << (header & 1));
    const full = () => this.used + size > rememberedLimits.bytes || this.count >= rememberedLimits.places;
    // The forgotten front is dropped first if that is what stands in the way.
    if (full() && this.head > 0) this.compact();
    if (full()) throw new RememberedIdsFull(this.live, this.used);
    let bytes = this.bytes.length;
    while (bytes < this.used + 5 + id.length * 2) bytes *= 2;
    // Doubling as far as the limit, under which the id's exact size fits.
    if ((bytes = Math.min(bytes, rememberedLimits.bytes)) > this.bytes.length) {
      const grown = new Uint8Array(bytes);
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
      this.fitStarts();
    }
    if (this.count === this.starts.length) this.growPlaces(Math.min(this.starts.length * 2, rememberedLimits.places));
  }

  /**
   * `starts` as wide as the arena needs: 32-bit while every start is below 2^31 (the hot path's
   * array), 64-bit numbers past it, and 32-bit again once a compaction shrinks the arena back.
   */
  private fitStarts(): void {
    const wide = this.bytes.length > rememberedLimits.int32Bytes;
    if (wide !== this.starts instanceof Float64Array) this.starts = wide ? Float64Array.from(this.starts) : Int32Array.from(this.starts);
  }

  private growPlaces(size: number): void {
    const starts = this.starts instanceof Int32Array ? new Int32Array(size) : new Float64Array(size);
    starts.set(this.starts);
    this.starts = starts;
    const ats = this.ats instanceof Int32Array ? new Int32Array(size) : new Float64Array(size);
    ats.set(this.ats);
    this.ats = ats;
  }

  /**
   * A table sized for the live ids (at most a third full: growing at half doubles it), without the
   * DELETED marks; `shift` is how far a compaction moved the places down.
   */
  private rebuildSlots(shift = 0): void {
    let size = MIN_SLOTS;
    while (size < this.live * 3) size *= 2;
    const { slots, tags } = this;
    this.slots = new Int32Array(size);
    this.tags = new Int32Array(size);
    this.filled = 0;
    // Every live id has exactly one slot (forgotten and deleted ones are DELETED), with its hash
    // beside it: the old table is read in order and no id's bytes are hashed again.
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s > 0) this.insertSlot(tags[i]!, s - 1 - shift);
    }
  }

  /** Move the places from `head` on (and their bytes) to the front, then rebuild the table. */
  private compact(): void {
    // The first live place's bytes are the first to keep: the one forgetBefore() stopped at may be deleted since (makeRoom).
    while (this.head < this.count && this.starts[this.head]! < 0) this.head++;
    const { head, count, starts } = this;
    const from = head < count ? starts[head]! : this.used;
    this.bytes.copyWithin(0, from, this.used);
    this.used -= from;
    starts.copyWithin(0, head, count);
    this.ats.copyWithin(0, head, count);
    this.count = count - head;
    this.head = 0;
    this.dropped += head;
    // A deleted place's -1 stays negative.
    for (let p = 0; p < this.count; p++) starts[p] = starts[p]! - from;
    this.shrink();
    this.rebuildSlots(head);
  }

  /**
   * Arrays sized anew for what is left, with room to double, so that memory goes back after a
   * burst is forgotten (`slice` never makes an array longer: one already small enough is copied).
   */
  private shrink(): void {
    let places = 16;
    while (places < this.count * 2) places *= 2;
    this.starts = this.starts.slice(0, places);
    this.ats = this.ats.slice(0, places);
    let bytes = 256;
    while (bytes < this.used * 2) bytes *= 2;
    this.bytes = this.bytes.slice(0, bytes);
    this.fitStarts();
  }
}
