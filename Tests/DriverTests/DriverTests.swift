// Tests of the `wasm2native` command line: `validate` called in-process through the driver library,
// and the built `wasm2native` executable run as a process, which checks the documented contract:
// it prints `valid` or the error, and exits 0 (valid), 1 (invalid or malformed) or 2 (usage error
// or unreadable file).

import ArgumentParser
import Foundation
import Testing
import Wasm2NativeDriver

/// Small binary modules, written out byte by byte so the tests need no other tool.
private enum Modules {
    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

    /// `(module (func (result i32) i32.const 1))`
    static let valid: [UInt8] =
        header + [
            0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,  // type section: [] -> [i32]
            0x03, 0x02, 0x01, 0x00,  // function section: one function of type 0
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x0B,  // code: i32.const 1; end
        ]

    /// `(module (func i32.const 1))`: a value is left on the stack of a function with no results.
    static let invalid: [UInt8] =
        header + [
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type section: [] -> []
            0x03, 0x02, 0x01, 0x00,
            0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x01, 0x0B,
        ]

    /// The magic number is wrong.
    static let badMagic: [UInt8] = [0x00, 0x61, 0x73, 0x6E, 0x01, 0x00, 0x00, 0x00]

    /// The type section says five bytes follow, and the file ends after two.
    static let truncated: [UInt8] = header + [0x01, 0x05, 0x01, 0x60]
}

/// A temporary directory removed when the value is released.
private final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("w2n-driver-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to a file named `name` and returns its path.
    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(bytes).write(to: file)
        return file.path
    }
}

/// The exit status an ArgumentParser command's `run()` ends with, from the error it threw.
private func exitStatus(of body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        return RootCommand.exitCode(for: error).rawValue
    }
}

@Suite struct ValidateCommandTests {
    @Test func acceptsAValidModule() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(Modules.valid, named: "valid.wasm")
        let command = try ValidateCommand.parse([path])
        #expect(exitStatus { try command.run() } == 0)
    }

    @Test func acceptsTheEmptyModule() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(Modules.header, named: "empty.wasm")
        #expect(exitStatus { try ValidateCommand.parse([path]).run() } == 0)
    }

    @Test(arguments: [
        ("invalid", Modules.invalid),
        ("bad-magic", Modules.badMagic),
        ("truncated", Modules.truncated),
    ])
    func rejectsWithStatus1(name: String, bytes: [UInt8]) throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(bytes, named: "\(name).wasm")
        #expect(exitStatus { try ValidateCommand.parse([path]).run() } == 1)
    }

    @Test func unreadableFileIsStatus2() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.url.appendingPathComponent("missing.wasm").path
        #expect(exitStatus { try ValidateCommand.parse([missing]).run() } == 2)
        // A directory opens but cannot be read as a file.
        #expect(exitStatus { try ValidateCommand.parse([scratch.url.path]).run() } == 2)
    }

    @Test func missingArgumentIsAUsageError() {
        #expect(throws: (any Error).self) { try RootCommand.parseAsRoot(["validate"]) }
        #expect(throws: (any Error).self) { try RootCommand.parseAsRoot(["validate", "a.wasm", "b.wasm"]) }
    }
}

/// Runs the built `wasm2native` executable, which `swift test` builds beside the test bundle.
@Suite struct Wasm2NativeExecutableTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `$W2N_WASM2NATIVE`, or `wasm2native` in the folder of the running test executable.
    static func executable() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["W2N_WASM2NATIVE"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let runner = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let candidate = URL(fileURLWithPath: runner).deletingLastPathComponent()
            .appendingPathComponent("wasm2native")
        try #require(
            FileManager.default.isExecutableFile(atPath: candidate.path),
            "no wasm2native executable at \(candidate.path); build it, or set W2N_WASM2NATIVE"
        )
        return candidate
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self)
        )
    }

    @Test func validModulePrintsValidAndExits0() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(Modules.valid, named: "valid.wasm")
        let result = try Self.run(["validate", path])
        #expect(result.status == 0)
        #expect(result.stdout == "valid\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func invalidModuleReportsTheSpecMessageAndExits1() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(Modules.invalid, named: "invalid.wasm")
        let result = try Self.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("invalid"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("type mismatch"), "stderr: \(result.stderr)")
    }

    @Test func malformedModuleReportsTheSpecMessageAndExits1() throws {
        let scratch = try ScratchDirectory()
        let path = try scratch.write(Modules.badMagic, named: "bad-magic.wasm")
        let result = try Self.run(["validate", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("malformed"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("magic header not detected"), "stderr: \(result.stderr)")
    }

    @Test func unreadableFileExits2() throws {
        let scratch = try ScratchDirectory()
        let missing = scratch.url.appendingPathComponent("missing.wasm").path
        let result = try Self.run(["validate", missing])
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.wasm"), "stderr: \(result.stderr)")
    }

    @Test(arguments: [
        ["validate"],
        ["validate", "a.wasm", "b.wasm"],
        ["validate", "--no-such-flag", "a.wasm"],
        ["no-such-command"],
    ])
    func usageErrorsExit2(arguments: [String]) throws {
        let result = try Self.run(arguments)
        #expect(result.status == 2, "arguments \(arguments): stderr: \(result.stderr)")
    }

    @Test func helpListsValidateAndExits0() throws {
        let result = try Self.run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("validate"), "stdout: \(result.stdout)")
    }
}
