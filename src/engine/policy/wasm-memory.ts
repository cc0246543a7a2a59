/** Bytes in one WebAssembly memory page. */
export const wasmPageBytes = 65_536;

/**
 * The initial size, in pages, of the memory a compiled policy imports: OPA puts its data (every string
 * constant of the policy) there, so a large policy cannot start in less. Read from the module's import
 * section, since JavaScript's WebAssembly API does not tell. Undefined when the module imports no
 * memory or cannot be read; instantiating it then reports what is wrong.
 */
export function importedMemoryPages(wasm: Uint8Array): number | undefined {
  try {
    const reader = new Reader(wasm);
    if (reader.u32le() !== 0x6d736100) return undefined; // "\0asm"
    reader.u32le(); // version
    while (!reader.done()) {
      const id = reader.byte();
      const size = reader.leb();
      const end = reader.offset + size;
      if (id === importSection) {
        for (let count = reader.leb(); count > 0; count--) {
          reader.skip(reader.leb()); // module name
          reader.skip(reader.leb()); // field name
          const kind = reader.byte();
          if (kind === 0) reader.leb(); // function: type index
          else if (kind === 1) {
            reader.byte(); // table: element type, then limits
            reader.limits();
          }
          else if (kind === 2) return reader.limits().minimum;
          else if (kind === 3) reader.skip(2); // global: value type, mutability
          else return undefined;
        }
        return undefined;
      }
      reader.offset = end;
    }
  } catch {
    // A truncated or malformed module: let the loader say what is wrong with it.
  }
  return undefined;
}

const importSection = 2;

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}
  done(): boolean {
    return this.offset >= this.bytes.length;
  }
  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError("unexpected end of module");
    return this.bytes[this.offset++]!;
  }
  u32le(): number {
    return (this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24)) >>> 0;
  }
  /** Unsigned LEB128, as every count and size in a module is written. */
  leb(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new RangeError("LEB128 number too long");
  }
  skip(n: number): void {
    this.offset += n;
  }
  /** Flags (bit 0: has a maximum; memory64 and shared only change the flag byte), minimum, maximum. */
  limits(): { minimum: number; maximum?: number } {
    const flags = this.byte();
    const minimum = this.leb();
    return flags & 1 ? { minimum, maximum: this.leb() } : { minimum };
  }
}
