// A deterministic tar writer (POSIX ustar), for image layers and for the OCI archive itself.
//
// Everything that could vary between builds is fixed: entries are written in the order given
// (callers sort them), the modification time is the caller's (0 by default), user and group names
// are empty (numeric ids only), there are no extended headers, and the archive ends with the two
// zero blocks the format requires and no further padding.

/// What an entry is.
public enum TarEntryKind: Sendable, Equatable {
    case file([UInt8])
    case directory
    case symlink(target: String)
}

/// One entry of a tar archive.
public struct TarEntry: Sendable, Equatable {
    /// The path inside the archive, relative ("etc/passwd"); directories without a trailing slash
    /// (the writer adds it).
    public var path: String
    public var kind: TarEntryKind
    /// Permission bits, including set-uid, set-gid and sticky (0o1777 for /tmp).
    public var mode: UInt32
    public var uid: Int
    public var gid: Int

    public init(path: String, kind: TarEntryKind, mode: UInt32, uid: Int = 0, gid: Int = 0) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
    }

    public static func file(_ path: String, _ contents: [UInt8], mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0) -> TarEntry {
        TarEntry(path: path, kind: .file(contents), mode: mode, uid: uid, gid: gid)
    }

    public static func directory(_ path: String, mode: UInt32 = 0o755, uid: Int = 0, gid: Int = 0) -> TarEntry {
        TarEntry(path: path, kind: .directory, mode: mode, uid: uid, gid: gid)
    }
}

/// Why an archive cannot be written.
public enum PackagingError: Error, CustomStringConvertible, Sendable, Equatable {
    case pathTooLong(String)
    case invalidPath(String)
    case duplicatePath(String)
    case invalidReference(String)
    case compression(String)
    case invalidOption(String)

    public var description: String {
        switch self {
        case .pathTooLong(let path): return "path too long for a ustar header: \(path)"
        case .invalidPath(let path): return "invalid path in an archive: '\(path)'"
        case .duplicatePath(let path): return "two entries for the same path: \(path)"
        case .invalidReference(let reason): return "invalid image reference: \(reason)"
        case .compression(let reason): return "gzip: \(reason)"
        case .invalidOption(let reason): return reason
        }
    }
}

/// Writes ustar archives.
public enum Tar {
    public static let blockSize = 512

    /// The archive of `entries`, in the given order, every entry with modification time `mtime`.
    public static func archive(_ entries: [TarEntry], mtime: Int = 0) throws(PackagingError) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(entries.reduce(1024) { total, entry in
            if case .file(let contents) = entry.kind { return total + 512 + contents.count + 511 }
            return total + 512
        })
        var seen = Set<String>()
        for entry in entries {
            guard !entry.path.isEmpty, !entry.path.hasPrefix("/"), !entry.path.hasSuffix("/"),
                  !entry.path.split(separator: "/", omittingEmptySubsequences: false).contains(where: { $0.isEmpty || $0 == ".." })
            else { throw .invalidPath(entry.path) }
            guard seen.insert(entry.path).inserted else { throw .duplicatePath(entry.path) }
            try appendHeader(entry, mtime: mtime, to: &output)
            if case .file(let contents) = entry.kind {
                output.append(contentsOf: contents)
                let padding = (blockSize - contents.count % blockSize) % blockSize
                output.append(contentsOf: repeatElement(0, count: padding))
            }
        }
        output.append(contentsOf: repeatElement(0, count: 2 * blockSize))
        return output
    }

    private static func appendHeader(_ entry: TarEntry, mtime: Int, to output: inout [UInt8]) throws(PackagingError) {
        var header = [UInt8](repeating: 0, count: blockSize)
        let name = entry.kind == .directory ? entry.path + "/" : entry.path
        let (prefix, suffix) = try splitName(name)
        put(suffix, at: 0, width: 100, in: &header)
        putOctal(Int(entry.mode & 0o7777), at: 100, width: 8, in: &header)
        putOctal(entry.uid, at: 108, width: 8, in: &header)
        putOctal(entry.gid, at: 116, width: 8, in: &header)
        var size = 0
        var type: UInt8 = UInt8(ascii: "0")
        switch entry.kind {
        case .file(let contents): size = contents.count
        case .directory: type = UInt8(ascii: "5")
        case .symlink(let target):
            type = UInt8(ascii: "2")
            guard target.utf8.count <= 100 else { throw .pathTooLong(target) }
            put(target, at: 157, width: 100, in: &header)
        }
        putOctal(size, at: 124, width: 12, in: &header)
        putOctal(mtime, at: 136, width: 12, in: &header)
        header[156] = type
        put("ustar", at: 257, width: 6, in: &header)  // "ustar\0"
        put("00", at: 263, width: 2, in: &header)
        putOctal(0, at: 329, width: 8, in: &header)  // devmajor
        putOctal(0, at: 337, width: 8, in: &header)  // devminor
        put(prefix, at: 345, width: 155, in: &header)
        // The checksum is computed with its own field as eight spaces.
        for index in 148..<156 { header[index] = UInt8(ascii: " ") }
        let checksum = header.reduce(0) { $0 + Int($1) }
        putOctal(checksum, at: 148, width: 7, in: &header)  // six digits, NUL, then the space stays
        output.append(contentsOf: header)
    }

    /// ustar names: up to 100 bytes, or a prefix of up to 155 bytes, a slash, and up to 100.
    private static func splitName(_ name: String) throws(PackagingError) -> (String, String) {
        let bytes = Array(name.utf8)
        if bytes.count <= 100 { return ("", name) }
        var slash = bytes.count - 1
        while slash > 0 {
            if bytes[slash] == UInt8(ascii: "/") && slash <= 155 && bytes.count - slash - 1 <= 100 && slash < bytes.count - 1 {
                return (String(decoding: bytes[..<slash], as: UTF8.self), String(decoding: bytes[(slash + 1)...], as: UTF8.self))
            }
            slash -= 1
        }
        throw .pathTooLong(name)
    }

    private static func put(_ text: String, at offset: Int, width: Int, in header: inout [UInt8]) {
        for (index, byte) in text.utf8.prefix(width).enumerated() { header[offset + index] = byte }
    }

    /// Zero-padded octal digits filling `width - 1` bytes, then a NUL.
    private static func putOctal(_ value: Int, at offset: Int, width: Int, in header: inout [UInt8]) {
        let digits = String(value, radix: 8)
        let padded = String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        put(padded, at: offset, width: width - 1, in: &header)
        header[offset + width - 1] = 0
    }
}
