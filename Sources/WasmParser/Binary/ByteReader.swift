// A cursor over the bytes of a module: bytes, LEB128 integers, floats, names.
//
// <https://webassembly.github.io/spec/core/binary/values.html>
//
// The reader works on a raw pointer that the caller keeps alive (see `withByteReader`), so reading
// costs a bounds check against `limit` and a load. `limit` is the end of the enclosing section or
// function body; reading past it is "unexpected end" (at the end of the input) or
// "unexpected end of section or function" (inside it), as the spec's tests word it.

/// Reads the binary format from a byte range.
struct ByteReader {
    /// The first byte of the input.
    let base: UnsafePointer<UInt8>
    /// The input's length.
    let inputLength: Int
    /// The offset of the next byte to read.
    var position: Int
    /// The offset past the last byte this reader may read.
    var limit: Int

    init(base: UnsafePointer<UInt8>, inputLength: Int, position: Int = 0, limit: Int? = nil) {
        self.base = base
        self.inputLength = inputLength
        self.position = position
        self.limit = limit ?? inputLength
    }

    /// Whether every byte up to `limit` has been read.
    var isAtEnd: Bool { position >= limit }

    /// The number of bytes left before `limit`.
    var remaining: Int { limit - position }

    func unexpectedEnd() -> WasmParserError {
        .malformed(limit >= inputLength ? "unexpected end" : "unexpected end of section or function", at: position)
    }

    // MARK: - Bytes

    mutating func readByte() throws(WasmParserError) -> UInt8 {
        guard position < limit else { throw unexpectedEnd() }
        let byte = base[position]
        position += 1
        return byte
    }

    func peekByte() throws(WasmParserError) -> UInt8 {
        guard position < limit else { throw unexpectedEnd() }
        return base[position]
    }

    /// Reads `count` bytes and returns their range in the input.
    mutating func readBytes(_ count: Int) throws(WasmParserError) -> Range<Int> {
        guard count <= remaining else {
            position = limit
            throw unexpectedEnd()
        }
        let start = position
        position += count
        return start..<position
    }

    mutating func skip(_ count: Int) throws(WasmParserError) {
        _ = try readBytes(count)
    }

    // MARK: - LEB128
    // <https://webassembly.github.io/spec/core/binary/values.html#integers>

    mutating func readVarUInt32() throws(WasmParserError) -> UInt32 {
        let first = try readByte()
        if first < 0x80 { return UInt32(first) }
        var result = UInt32(first & 0x7F)
        var shift: UInt32 = 7
        while true {
            let byte = try readByte()
            if shift == 28 {
                if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: position - 1) }
                if byte & 0x70 != 0 { throw .malformed("integer too large", at: position - 1) }
                return result | UInt32(byte) << 28
            }
            result |= UInt32(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    mutating func readVarUInt64() throws(WasmParserError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            if shift == 63 {
                if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: position - 1) }
                if byte & 0x7E != 0 { throw .malformed("integer too large", at: position - 1) }
                return result | UInt64(byte) << 63
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads a signed LEB128 of `bits` bits (32, 33 or 64) as an Int64.
    mutating func readVarInt(bits: Int) throws(WasmParserError) -> Int64 {
        var result: Int64 = 0
        var shift = 0
        let maxBytes = (bits + 6) / 7
        var count = 0
        while true {
            let byte = try readByte()
            count += 1
            if count == maxBytes {
                if byte & 0x80 != 0 { throw .malformed("integer representation too long", at: position - 1) }
                // The unused high bits of the last byte must all equal the sign bit.
                let usedBits = bits - shift  // bits of `byte` that carry value, sign bit included
                let signAndUnused = Int8(bitPattern: byte << 1) >> Int8(usedBits)  // arithmetic shift
                if signAndUnused != 0 && signAndUnused != -1 {
                    throw .malformed("integer too large", at: position - 1)
                }
                result |= Int64(byte & 0x7F) << Int64(shift)
                let unused = 64 - (shift + 7)
                return unused > 0 ? (result << Int64(unused)) >> Int64(unused) : result
            }
            result |= Int64(byte & 0x7F) << Int64(shift)
            shift += 7
            if byte < 0x80 {
                let unused = 64 - shift
                return (result << Int64(unused)) >> Int64(unused)
            }
        }
    }

    mutating func readVarInt32() throws(WasmParserError) -> Int32 {
        let first = try readByte()
        if first < 0x40 { return Int32(first) }
        if first < 0x80 { return Int32(first) - 0x80 }
        position -= 1
        return Int32(truncatingIfNeeded: try readVarInt(bits: 32))
    }

    mutating func readVarInt64() throws(WasmParserError) -> Int64 {
        let first = try readByte()
        if first < 0x40 { return Int64(first) }
        if first < 0x80 { return Int64(first) - 0x80 }
        position -= 1
        return try readVarInt(bits: 64)
    }

    // MARK: - Fixed-width values

    mutating func readUInt32LittleEndian() throws(WasmParserError) -> UInt32 {
        let range = try readBytes(4)
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(base[range.lowerBound + i]) << UInt32(8 * i) }
        return value
    }

    mutating func readFloat32Bits() throws(WasmParserError) -> UInt32 {
        try readUInt32LittleEndian()
    }

    mutating func readFloat64Bits() throws(WasmParserError) -> UInt64 {
        let low = UInt64(try readUInt32LittleEndian())
        let high = UInt64(try readUInt32LittleEndian())
        return low | high << 32
    }

    mutating func readV128() throws(WasmParserError) -> V128 {
        let range = try readBytes(16)
        return V128(bytes: UnsafeBufferPointer(start: base + range.lowerBound, count: 16))
    }

    // MARK: - Names
    // <https://webassembly.github.io/spec/core/binary/values.html#names>

    /// Reads a length-prefixed UTF-8 name.
    mutating func readName() throws(WasmParserError) -> String {
        let start = position
        let length = Int(try readVarUInt32())
        let range = try readBytes(length)
        let bytes = UnsafeBufferPointer(start: base + range.lowerBound, count: length)
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw .malformed("malformed UTF-8 encoding", at: start)
        }
        return name
    }

    /// Reads a vector length, refusing lengths that cannot fit in what is left (each element takes
    /// at least `minimumElementSize` bytes), so that a huge count never reserves memory.
    mutating func readVectorCount(minimumElementSize: Int = 1) throws(WasmParserError) -> Int {
        let count = Int(try readVarUInt32())
        if count * minimumElementSize > remaining {
            // The elements cannot all be there; decoding them would hit the end anyway.
            throw unexpectedEnd()
        }
        return count
    }
}

/// Runs `body` with a reader over `bytes`.
func withByteReader<R>(
    _ bytes: [UInt8],
    _ body: (inout ByteReader) throws(WasmParserError) -> R
) throws(WasmParserError) -> R {
    let result: Result<R, WasmParserError> = bytes.withUnsafeBufferPointer { buffer in
        // An empty array may have no storage; read from a one-byte dummy that is never reached.
        var dummy: UInt8 = 0
        return withUnsafePointer(to: &dummy) { dummyPointer in
            var reader = ByteReader(base: buffer.baseAddress ?? dummyPointer, inputLength: buffer.count)
            do throws(WasmParserError) {
                return .success(try body(&reader))
            } catch {
                return .failure(error)
            }
        }
    }
    return try result.get()
}
