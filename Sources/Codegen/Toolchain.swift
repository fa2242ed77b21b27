// RuntimeSupport built for a target, and linking: zig (PyPI `ziglang`) compiles the embedded C
// sources against musl for the target and links static executables. Built runtimes are cached.

import Foundation

/// Finds and runs zig, and builds RuntimeSupport archives.
struct Toolchain {
    let zig: String

    /// Finds zig: `$W2N_ZIG`, then `zig` on PATH.
    static func locate() throws(CodegenError) -> Toolchain {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["W2N_ZIG"], FileManager.default.isExecutableFile(atPath: path) {
            return Toolchain(zig: path)
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/zig"
            if FileManager.default.isExecutableFile(atPath: path) { return Toolchain(zig: path) }
        }
        throw .tool(
            "wasm2native links with zig, which was not found: install the PyPI package ziglang "
                + "(scripts/setup.sh does) and put its zig on PATH or in W2N_ZIG")
    }

    /// Runs zig with `arguments`; a failure throws with zig's output.
    func run(_ arguments: [String], in directory: String? = nil) throws(CodegenError) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: zig)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            throw .tool("cannot run \(zig): \(error)")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: output, as: UTF8.self)
            throw .tool("zig \(arguments.first ?? "") failed (status \(process.terminationStatus)):\n\(text)")
        }
    }

    /// The cache folder: `$W2N_CACHE_DIR`, else `$XDG_CACHE_HOME/wasm2native`, else ~/.cache/wasm2native.
    static var cacheDirectory: String {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["W2N_CACHE_DIR"], !directory.isEmpty { return directory }
        if let directory = environment["XDG_CACHE_HOME"], !directory.isEmpty { return directory + "/wasm2native" }
        return NSHomeDirectory() + "/.cache/wasm2native"
    }

    /// RuntimeSupport as a static library for `target`, built once per source version.
    func runtimeLibrary(for target: Target, boundsChecks: Bool) throws(CodegenError) -> String {
        let flags = ["-O2", "-std=c11", "-DW2N_EXECUTABLE_MAIN", "-DW2N_BOUNDS_CHECKS=\(boundsChecks ? 1 : 0)",
                     "-fno-sanitize=undefined", "-Iinclude"]
        var key = FNV1a()
        key.add(target.zigTarget)
        key.add(flags.joined(separator: " "))
        for file in RuntimeSources.files {
            key.add(file.path)
            key.add(file.contents)
        }
        let directory = "\(Self.cacheDirectory)/runtime-\(key.hex)-\(target.rawValue)"
        let library = directory + "/libw2n_runtime.a"
        if FileManager.default.fileExists(atPath: library) { return library }

        // Build in a private folder, then move it into place (safe under concurrent builds).
        let work = "\(Self.cacheDirectory)/tmp-\(ProcessInfo.processInfo.processIdentifier)-\(key.hex)"
        do {
            try? FileManager.default.removeItem(atPath: work)
            for file in RuntimeSources.files {
                let path = "\(work)/\(file.path)"
                try FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try file.contents.write(toFile: path, atomically: false, encoding: .utf8)
            }
        } catch {
            throw .io("cannot write RuntimeSupport sources to \(work): \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: work) }
        let sources = RuntimeSources.files.map(\.path).filter { $0.hasSuffix(".c") }
        var objects: [String] = []
        for source in sources {
            let object = source.replacingOccurrences(of: "/", with: "_") + ".o"
            try run(["cc", "-target", target.zigTarget] + flags + ["-c", source, "-o", object], in: work)
            objects.append(object)
        }
        try run(["ar", "rcs", "libw2n_runtime.a"] + objects, in: work)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let staged = "\(directory)/libw2n_runtime.a.\(ProcessInfo.processInfo.processIdentifier)"
            try? FileManager.default.removeItem(atPath: staged)
            try FileManager.default.copyItem(atPath: "\(work)/libw2n_runtime.a", toPath: staged)
            if rename(staged, library) != 0 { throw CocoaError(.fileWriteUnknown) }
        } catch {
            throw .io("cannot store RuntimeSupport in \(directory): \(error)")
        }
        return library
    }

    /// Links a static executable from `objects` and RuntimeSupport; `strip` leaves out symbols and
    /// debug information (which name the temporary paths of the build).
    func linkExecutable(
        objects: [String], runtime: String, target: Target, output: String, strip: Bool = false
    ) throws(CodegenError) {
        // -O2: without it zig links its Debug build of musl (four times larger).
        try run(
            ["cc", "-target", target.zigTarget, "-static", "-O2"] + (strip ? ["-s"] : []) + ["-o", output] + objects
                + [runtime])
        // Debug sections (musl's DWARF: 1.6 MB of hello's 1.8 MB) go; the symbol table, which names
        // wasm functions for perf and gdb, stays. (zig's -Wl,-S would drop the symbols too.)
        if !strip, FileManager.default.isExecutableFile(atPath: Self.objcopy) {
            try runTool(Self.objcopy, ["--strip-debug", output])
        }
    }

    /// LLVM's objcopy from llvm-19 (installed with llvm-19-dev).
    static let objcopy = "/usr/lib/llvm-19/bin/llvm-objcopy"

    /// Runs a tool other than zig; a failure throws with its output.
    func runTool(_ path: String, _ arguments: [String]) throws(CodegenError) {
        try Toolchain(zig: path).run(arguments)
    }
}

/// 64-bit FNV-1a, for cache keys.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01B3
        }
        value ^= 0xFF
        value = value &* 0x0000_0100_0000_01B3
    }

    var hex: String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
