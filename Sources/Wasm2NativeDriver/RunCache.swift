// The cache of executables that `wasm2native run --engine aot` compiles.
//
// Layout: `<cache>/run/<key>` (the executable) and `<cache>/run/<key>.sha256` (the SHA-256 of its
// bytes), where <cache> is $W2N_CACHE_DIR, else $XDG_CACHE_HOME/wasm2native, else
// ~/.cache/wasm2native, and <key> is the SHA-256 of the module's bytes, the options that change
// the executable, and the identity of the compiler (this executable's size and modification
// time, which change with every build, RuntimeSupport included since its sources are embedded).
//
// Safe under concurrent use: an entry is compiled into a private file, hashed, and renamed into
// place (the hash file last); readers open the executable, hash what they opened and run that
// very file (fexecve) only when the hash matches the stored one, so a partial, corrupt or
// half-replaced entry is never executed: it is rebuilt.

import Foundation
import Packaging

/// Where compiled executables for `run` are kept.
struct RunCache {
    let directory: String

    /// The cache under $W2N_CACHE_DIR, $XDG_CACHE_HOME/wasm2native or ~/.cache/wasm2native.
    static func standard() -> RunCache {
        let environment = ProcessInfo.processInfo.environment
        let root: String
        if let directory = environment["W2N_CACHE_DIR"], !directory.isEmpty {
            root = directory
        } else if let directory = environment["XDG_CACHE_HOME"], !directory.isEmpty {
            root = directory + "/wasm2native"
        } else {
            root = NSHomeDirectory() + "/.cache/wasm2native"
        }
        return RunCache(directory: root + "/run")
    }

    /// The key of `module` compiled with `options` (a canonical description of them).
    static func key(module: [UInt8], options: String) -> String {
        var hasher = SHA256()
        hasher.update(Array("wasm2native run cache 1\n".utf8))
        hasher.update(Array("compiler \(compilerIdentity)\n".utf8))
        hasher.update(Array("options \(options)\n".utf8))
        hasher.update(module)
        return hex(hasher.finalize())
    }

    /// This executable's size and modification time.
    static var compilerIdentity: String {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown" }
        return "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    func executablePath(_ key: String) -> String { "\(directory)/\(key)" }
    func hashPath(_ key: String) -> String { "\(directory)/\(key).sha256" }

    /// An open descriptor of the cached executable for `key` whose contents match the stored
    /// hash, or nil (missing or corrupt: the caller rebuilds). `corrupt` says which.
    func verifiedExecutable(_ key: String, corrupt: inout Bool) -> Int32? {
        corrupt = false
        guard let stored = try? String(contentsOfFile: hashPath(key), encoding: .utf8) else { return nil }
        let descriptor = open(executablePath(key), O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        if let actual = Self.hashOfFile(descriptor), actual == stored.trimmingCharacters(in: .whitespacesAndNewlines) {
            return descriptor
        }
        close(descriptor)
        corrupt = true
        return nil
    }

    /// The SHA-256 (hex) of an open file's contents, read from the start.
    static func hashOfFile(_ descriptor: Int32) -> String? {
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var offset: off_t = 0
        while true {
            let count = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            hasher.update(Array(chunk[0..<count]))
            offset += off_t(count)
        }
        return hex(hasher.finalize())
    }

    /// Compiles with `build` (which writes an executable to the path it is given) into a private
    /// file, records its hash, moves both into place and returns an open descriptor of the new
    /// executable.
    func store(_ key: String, build: (String) throws -> Void) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let unique = "\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let temporary = "\(directory)/tmp-\(unique)"
        let temporaryHash = "\(directory)/tmp-\(unique).sha256"
        defer {
            unlink(temporary)
            unlink(temporaryHash)
        }
        try build(temporary)
        let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw RunError("cannot open \(temporary): \(String(cString: strerror(errno)))") }
        guard let hash = Self.hashOfFile(descriptor) else {
            close(descriptor)
            throw RunError("cannot read \(temporary)")
        }
        do {
            try (hash + "\n").write(toFile: temporaryHash, atomically: false, encoding: .utf8)
        } catch {
            close(descriptor)
            throw RunError("cannot write \(temporaryHash): \(error)")
        }
        // The executable first, then its hash: a reader that sees the new hash sees the new file.
        guard rename(temporary, executablePath(key)) == 0, rename(temporaryHash, hashPath(key)) == 0 else {
            close(descriptor)
            throw RunError("cannot store the executable in \(directory): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }
}

/// A failure of `run` with its message.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
