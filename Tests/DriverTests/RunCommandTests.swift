// Tests of `wasm2native run`: the interpreter engine in-process (the exit status is the guest's
// proc_exit status) and where the guest's arguments start on the command line.

import ArgumentParser
import Foundation
import Testing
import Wasm2NativeDriver

/// `(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))) (memory 1)
///   (func (export "_start") (call 0 (i32.const 3))))`
private let exitThree: [UInt8] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x60, 0x01, 0x7f, 0x00, 0x60, 0x00, 0x00,
    0x02, 0x24, 0x01, 0x16, 0x77, 0x61, 0x73, 0x69, 0x5f, 0x73, 0x6e, 0x61, 0x70, 0x73, 0x68, 0x6f, 0x74, 0x5f,
    0x70, 0x72, 0x65, 0x76, 0x69, 0x65, 0x77, 0x31, 0x09, 0x70, 0x72, 0x6f, 0x63, 0x5f, 0x65, 0x78, 0x69, 0x74,
    0x00, 0x00, 0x03, 0x02, 0x01, 0x01, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x13, 0x02, 0x06, 0x6d, 0x65, 0x6d,
    0x6f, 0x72, 0x79, 0x02, 0x00, 0x06, 0x5f, 0x73, 0x74, 0x61, 0x72, 0x74, 0x00, 0x01, 0x0a, 0x08, 0x01, 0x06,
    0x00, 0x41, 0x03, 0x10, 0x00, 0x0b,
]

@Suite struct RunCommandTests {
    @Test func interpreterExitStatusIsTheGuests() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("w2n-run-\(UUID().uuidString).wasm")
        try Data(exitThree).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let command = try RunCommand.parse(["--engine", "interpreter", path.path, "ignored", "-O2"])
        #expect(command.arguments == ["ignored", "-O2"])
        var status: Int32 = -1
        do {
            try command.run()
            status = 0
        } catch {
            status = RootCommand.exitCode(for: error).rawValue
        }
        #expect(status == 3)
    }

    @Test func guestArgumentsStartAfterTheModule() {
        #expect(RunCommand.guestArgumentsStart(["run", "app.wasm", "-O2"]) == 2)
        #expect(RunCommand.guestArgumentsStart(["run", "--engine", "interpreter", "-O2", "app.wasm", "-x"]) == 5)
        #expect(RunCommand.guestArgumentsStart(["run", "--dir", "a", "--inherit-env", "app.wasm"]) == 5)
        #expect(RunCommand.guestArgumentsStart(["compile", "app.wasm", "-O2"]) == nil)
    }
}
