// gzip (RFC 1952) with a fixed header, for image layers.
//
// Why zlib: registries and runtimes store and pull the compressed layer, so its size is what an
// image "weighs" (the target is a total under 1.5 MB), which rules out stored (uncompressed)
// deflate blocks. A deflate written here would be a few hundred lines to get close to zlib's ratio;
// Debian's zlib (zlib1g) is already loaded by wasm2native, since libLLVM links it, so linking it
// costs no new dependency, and `zlib1g-dev` only adds the header. zlib's output is a deterministic
// function of its input, level, window and memory parameters (fixed here) for a given zlib
// version: a rebuild on the same host gives the same bytes, and the digest can change only with a
// zlib upgrade that changes its deflate output, which has not happened within 1.2.x.
//
// The header is written here rather than by zlib's gzip wrapper so that nothing in it depends on
// the build: no file name, modification time 0, OS "unknown" (255), as Go's compress/gzip does.

import CZlib

public enum Gzip {
    /// `bytes` compressed with deflate at `level` (default 9) inside a gzip member.
    public static func compress(_ bytes: [UInt8], level: Int32 = 9) throws(PackagingError) -> [UInt8] {
        var stream = z_stream()
        // windowBits -15: a raw deflate stream (we write the gzip header and trailer ourselves).
        let status = deflateInit2_(&stream, level, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY,
                                   zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .compression("deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }

        let bound = Int(deflateBound(&stream, uLong(bytes.count)))
        var output = [UInt8](repeating: 0, count: 10 + bound + 8)
        // ID1 ID2 CM=deflate FLG=0 MTIME=0 XFL (2: maximum compression, 4: fastest) OS=unknown
        let extraFlags: UInt8 = level >= 9 ? 2 : (level == 1 ? 4 : 0)
        let header: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, extraFlags, 255]
        output.replaceSubrange(0..<10, with: header)

        var input = bytes
        let result: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress! + 10
                stream.avail_out = uInt(bound)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw .compression("deflate did not finish (\(result))") }
        let compressedEnd = 10 + Int(stream.total_out)
        output.removeSubrange(compressedEnd...)
        let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
        appendLittleEndian(UInt32(truncatingIfNeeded: crc), to: &output)
        appendLittleEndian(UInt32(truncatingIfNeeded: bytes.count), to: &output)
        return output
    }

    /// The contents of a single-member gzip stream (for tests and for reading layers back).
    public static func decompress(_ bytes: [UInt8]) throws(PackagingError) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16: expect and check a gzip header and trailer.
        let status = inflateInit2_(&stream, 15 + 16, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .compression("inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }
        var input = bytes
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var result: Int32 = Z_OK
        input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            repeat {
                let produced: Int = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    result = inflate(&stream, Z_NO_FLUSH)
                    return chunkBuffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
            } while result == Z_OK
        }
        guard result == Z_STREAM_END else { throw .compression("corrupt gzip stream (\(result))") }
        return output
    }

    private static func appendLittleEndian(_ value: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { output.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }
}
