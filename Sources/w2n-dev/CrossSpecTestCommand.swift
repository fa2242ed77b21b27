// `w2n-dev cross-spectest`: the spec suite's executable commands for another target (aarch64
// under qemu-user), where the in-process native engine cannot go (it loads x86_64 shared objects
// into this x86_64 process).
//
// Per .wast file: every binary module the harness would run (feature verdict "supported") is
// compiled by the real pipeline for the target into an object with its own descriptor
// (`w2n_spec_module_<n>`, host imports allowed, as the native engine does); the script's commands
// become a C table (Tests/Cross/spec_driver.h); zig links table, objects, Tests/Cross/spec_driver.c,
// the spectest module (Sources/SpecTestHost/spec_host.c) and RuntimeSupport built for the target
// (without its `main`) into one static executable, which runs under qemu (natively for the host
// target) and prints one line per command. The judging rules are the native engine's.
//
// Counted: module, register, action, assert_return, assert_trap, assert_exhaustion,
// assert_unlinkable, assert_uninstantiable. assert_invalid / assert_malformed are the parser's
// (no code runs; `w2n-dev spectest` checks them) and are only counted apart. A crash of a
// script's executable fails its unreported commands.

import ArgumentParser
import Codegen
import Foundation
import Lowering
import SpecEngineSupport
import SpecHarness
import WasmParser

struct CrossSpecTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cross-spectest",
        abstract: "Run the spec suite's executable commands compiled for another target (aarch64 under qemu-user).",
        discussion: """
            Needs zig (W2N_ZIG or PATH) and, for aarch64 on an x86_64 host, qemu-aarch64-static \
            (Debian qemu-user-static). Objects and executables are cached in <cache>/cross/<target>/.
            """
    )

    @OptionGroup var suite: SuiteOptions

    @Option(help: "Target: aarch64-linux (default) or x86_64-linux.")
    var target: String = "aarch64-linux"

    @Option(help: "qemu-user for the target (default: qemu-aarch64-static on PATH; none for the host target).")
    var qemu: String?

    @Option(name: .customLong("opt-level"), help: "LLVM optimisation level of the modules, 0 to 3.")
    var optimizationLevel = 2

    @Option(help: "Modules compiled concurrently.")
    var jobs = 2

    @Option(help: "Seconds a script's executable may run.")
    var timeout = 300

    @Option(help: "Failures listed in full.")
    var maxFailures = 100

    func run() throws {
        guard let target = Target(rawValue: target) else {
            throw ValidationError("unknown target \(self.target): use aarch64-linux or x86_64-linux")
        }
        let locations = try suite.locations()
        let prepared = try suite.prepare()
        let root = locations.repositoryRoot
        let work = locations.cache.appendingPathComponent("cross/\(target.rawValue)")
        let zig = try Self.findTool("zig", environment: "W2N_ZIG")
        var runner: [String] = []
        if target != .host {
            let qemuPath = try qemu ?? Self.findTool("qemu-aarch64-static", environment: "W2N_QEMU_AARCH64")
            runner = [qemuPath]
        }
        let builder = try CrossBuilder(
            root: root, work: work, zig: zig, target: target, optimizationLevel: optimizationLevel, jobs: jobs)
        printError("cross-spectest: RuntimeSupport, spectest and the driver built for \(target.rawValue)")

        var totals = CrossCounts()
        var failures: [String] = []
        for entry in prepared.entries {
            let file = entry.file
            let script: SpecScript
            switch entry.script {
            case .success(let loaded): script = loaded
            case .failure(let error):
                totals.failed += 1
                failures.append("\(file.relativePath): \(error.message)")
                print("FAIL \(file.relativePath): \(error.message)")
                continue
            }
            let plan = builder.plan(script: script, file: file, verdicts: prepared.verdicts)
            var counts = CrossCounts()
            counts.parserOnly = plan.parserOnly
            if plan.commands.isEmpty {
                totals.add(counts)
                continue
            }
            let lines: [String]
            var crash: String?
            do {
                let executable = try builder.build(plan: plan, file: file)
                (lines, crash) = Self.execute(runner + [executable], timeout: timeout)
            } catch {
                lines = []
                crash = "build failed: \(error)"
            }
            var reported = Set<Int>()
            for line in lines {
                let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                guard parts.count >= 2, let number = Int(parts[1]) else { continue }
                let rest = parts.count > 2 ? parts[2] : ""
                switch parts[0] {
                case "P": counts.passed += 1
                case "M": counts.passed += 1; counts.messageMismatches += 1
                case "S": counts.skipped[rest, default: 0] += 1
                case "F":
                    counts.failed += 1
                    let pieces = rest.split(separator: "\t", maxSplits: 1).map(String.init)
                    failures.append("\(file.relativePath):\(number): expected \(pieces.first ?? "") got \(pieces.count > 1 ? pieces[1] : "")")
                default: continue
                }
                reported.insert(plan.commandIndex(line: number, after: reported))
            }
            let unreported = plan.commands.count - reported.count
            if unreported > 0 {
                counts.failed += unreported
                failures.append("\(file.relativePath): \(unreported) commands not run: \(crash ?? "the executable stopped early")")
            }
            let skippedCount = counts.skipped.values.reduce(0, +)
            print("\(counts.failed == 0 ? "ok  " : "FAIL") \(file.relativePath): \(counts.passed) passed, \(counts.failed) failed, \(skippedCount) skipped")
            flushOutput()
            totals.add(counts)
        }

        if !failures.isEmpty {
            print("failures (first \(min(maxFailures, failures.count)) of \(failures.count)):")
            for failure in failures.prefix(maxFailures) { print("  \(failure)") }
        }
        if !totals.skipped.isEmpty {
            print("skipped by reason:")
            for (reason, count) in totals.skipped.sorted(by: { $0.value > $1.value }) { print("  \(count)  \(reason)") }
        }
        print("not target-specific (parser commands, run by `w2n-dev spectest`): \(totals.parserOnly)")
        print("message mismatches among the passed: \(totals.messageMismatches)")
        let skippedTotal = totals.skipped.values.reduce(0, +)
        print("cross-spectest (\(target.rawValue)\(runner.isEmpty ? "" : " under \((runner[0] as NSString).lastPathComponent)")): "
              + "\(totals.passed) passed, \(totals.failed) failed, \(skippedTotal) skipped")
        if totals.failed > 0 { throw ExitCode(1) }
    }

    static func findTool(_ name: String, environment variable: String) throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment[variable], FileManager.default.isExecutableFile(atPath: path) { return path }
        for directory in (environment["PATH"] ?? "").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        throw ValidationError("\(name) not found (set \(variable) or put it on PATH)")
    }

    /// Runs the executable; its stdout lines, and why it stopped early if it did.
    static func execute(_ command: [String], timeout: Int) -> ([String], String?) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        process.arguments = ["-s", "KILL", String(timeout)] + command
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            return ([], "cannot run \(command[0]): \(error)")
        }
        // Drain stderr concurrently so that neither pipe fills up.
        let errorData = ErrorBuffer()
        let reader = Thread { errorData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorData.done { usleep(1000) }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        let status = process.terminationStatus
        if lines.last?.hasPrefix("E ") == true && status == 0 { return (lines, nil) }
        let stderr = String(decoding: errorData.data.prefix(400), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
        let how = process.terminationReason == .uncaughtSignal ? "signal \(status)" : (status == 137 ? "timeout or SIGKILL" : "status \(status)")
        return (lines, "the executable ended (\(how)) \(stderr)")
    }
}

/// stderr of a child, filled by a reader thread.
private final class ErrorBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = Data()
    private var finished = false

    func set(_ data: Data) {
        lock.lock()
        stored = data
        finished = true
        lock.unlock()
    }

    var done: Bool {
        lock.lock()
        defer { lock.unlock() }
        return finished
    }

    var data: Data {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}

struct CrossCounts {
    var passed = 0
    var failed = 0
    var skipped: [String: Int] = [:]
    var parserOnly = 0
    var messageMismatches = 0

    mutating func add(_ other: CrossCounts) {
        passed += other.passed
        failed += other.failed
        parserOnly += other.parserOnly
        messageMismatches += other.messageMismatches
        for (reason, count) in other.skipped { skipped[reason, default: 0] += count }
    }
}

/// The commands of one script as C, and the modules they need.
struct CrossPlan {
    /// C initializers of `spec_command`, one per counted command, in order, with their lines.
    var commands: [(line: Int, initializer: String)] = []
    /// Static arrays the initializers refer to.
    var declarations: [String] = []
    /// Modules to compile: (file, descriptor symbol).
    var modules: [(url: URL, symbol: String)] = []
    /// assert_invalid / assert_malformed commands (not run here).
    var parserOnly = 0

    /// The index of the first command on `line` not yet in `reported` (lines repeat rarely).
    func commandIndex(line: Int, after reported: Set<Int>) -> Int {
        for (index, command) in commands.enumerated() where command.line == line && !reported.contains(index) {
            return index
        }
        return -1 - line
    }
}

/// Builds per-script executables for one target.
final class CrossBuilder {
    let root: URL
    let work: URL
    let zig: String
    let target: Target
    let optimizationLevel: Int
    let jobs: Int
    /// RuntimeSupport + spectest + driver, as a static library.
    private(set) var library = ""
    let compilerIdentity: String

    init(root: URL, work: URL, zig: String, target: Target, optimizationLevel: Int, jobs: Int) throws {
        self.root = root
        self.work = work
        self.zig = zig
        self.target = target
        self.optimizationLevel = optimizationLevel
        self.jobs = jobs
        var info = stat()
        compilerIdentity = stat("/proc/self/exe", &info) == 0 ? "\(info.st_size)-\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" : "unknown"
        for folder in ["objects", "bin", "lib"] {
            try FileManager.default.createDirectory(at: work.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        library = try buildLibrary()
    }

    var zigTarget: String { target == .aarch64Linux ? "aarch64-linux-musl" : "x86_64-linux-musl" }

    var includeFlags: [String] {
        ["-I", root.appendingPathComponent("Sources/RuntimeSupport/include").path,
         "-I", root.appendingPathComponent("Sources/SpecTestHost/include").path,
         "-I", root.appendingPathComponent("Tests/Cross").path]
    }

    /// RuntimeSupport (without `main`), spec_host.c and spec_driver.c for the target, cached by content.
    func buildLibrary() throws -> String {
        var sources = Self.files(under: root.appendingPathComponent("Sources/RuntimeSupport"), extensions: ["c"])
        sources.append(root.appendingPathComponent("Sources/SpecTestHost/spec_host.c"))
        sources.append(root.appendingPathComponent("Tests/Cross/spec_driver.c"))
        let flags = ["-O2", "-std=gnu11", "-DW2N_BOUNDS_CHECKS=0", "-fno-sanitize=undefined", "-g0"]
        var key: [UInt8] = Array((zigTarget + flags.joined(separator: " ")).utf8)
        for directory in ["Sources/RuntimeSupport", "Sources/SpecTestHost/include", "Tests/Cross"] {
            for url in Self.files(under: root.appendingPathComponent(directory), extensions: ["c", "h"]) {
                key += Array(url.path.utf8) + Array((FileManager.default.contents(atPath: url.path) ?? Data()))
            }
        }
        key += Array((FileManager.default.contents(atPath: root.appendingPathComponent("Sources/SpecTestHost/spec_host.c").path) ?? Data()))
        let directory = work.appendingPathComponent("lib/\(SHA256.hexDigest(key).prefix(16))")
        let library = directory.appendingPathComponent("libcross.a").path
        if FileManager.default.fileExists(atPath: library) { return library }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var objects: [String] = []
        for (index, source) in sources.enumerated() {
            let object = directory.appendingPathComponent("\(index)-\(source.deletingPathExtension().lastPathComponent).o").path
            try run([zig, "cc", "-target", zigTarget] + flags + includeFlags + ["-c", source.path, "-o", object])
            objects.append(object)
        }
        try run([zig, "ar", "rcs", library + ".tmp"] + objects)
        try FileManager.default.moveItem(atPath: library + ".tmp", toPath: library)
        return library
    }

    /// The files under `directory` with one of `extensions`, sorted by path.
    static func files(under directory: URL, extensions: Set<String>) -> [URL] {
        var found: [URL] = []
        if let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) {
            for case let url as URL in enumerator where extensions.contains(url.pathExtension) { found.append(url) }
        }
        return found.sorted { $0.path < $1.path }
    }

    func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\((arguments[0] as NSString).lastPathComponent) \(arguments.dropFirst().prefix(2).joined(separator: " ")) failed: "
                                  + String(decoding: output.prefix(1500), as: UTF8.self))
        }
    }

    // MARK: - Planning

    /// The C table of a script's commands and the modules it needs.
    func plan(script: SpecScript, file: SpecFile, verdicts: [ModuleQuery: FeatureVerdict]) -> CrossPlan {
        var plan = CrossPlan()
        var symbols: [String: String] = [:]  // module file -> descriptor symbol
        var valueArrays = 0

        func symbol(for url: URL) -> String {
            if let existing = symbols[url.lastPathComponent] { return existing }
            let name = "w2n_spec_module_\(symbols.count)"
            symbols[url.lastPathComponent] = name
            plan.modules.append((url, name))
            return name
        }

        func values(_ list: [SpecValue]) -> (String, Int)? {
            var items: [String] = []
            for value in list {
                guard let item = CValue.initializer(value, arrays: &plan.declarations, counter: &valueArrays) else { return nil }
                items.append(item)
            }
            if items.isEmpty { return ("NULL", 0) }
            valueArrays += 1
            let name = "values_\(valueArrays)"
            plan.declarations.append("static const spec_value \(name)[] = {\n  \(items.joined(separator: ",\n  "))\n};")
            return (name, items.count)
        }

        func add(_ line: Int, _ fields: [String]) {
            plan.commands.append((line, "{" + fields.joined(separator: ", ") + ", .line = \(line)}"))
        }

        func skip(_ line: Int, _ reason: String) {
            add(line, [".type = SPEC_CMD_SKIP", ".text = \(CValue.string(reason))"])
        }

        /// `.module` and, when the module cannot run, the reason (and whether to skip rather than fail).
        func moduleFields(_ command: SpecCommand) -> [String] {
            guard let url = SpecSuite.binaryModule(of: command, in: file) else {
                return [".module = NULL", ".skip_module = 1", ".reason = \(CValue.string("text format"))"]
            }
            if let query = SpecSuite.moduleQuery(for: command, in: file), let reason = verdicts[query]?.skipReason {
                return [".module = NULL", ".skip_module = 1", ".reason = \(CValue.string(reason))"]
            }
            let name = symbol(for: url)
            return [".module = &\(name)"]
        }

        for command in script.commands {
            let line = command.line
            if command.kind != .assertInvalid && command.kind != .assertMalformed,
               let listed = SpecSkipList.reason(file: file.relativePath, line: line) {
                skip(line, listed)
                continue
            }
            switch command.kind {
            case .assertInvalid, .assertMalformed:
                plan.parserOnly += 1
            case .module:
                var fields = [".type = SPEC_CMD_MODULE"] + moduleFields(command)
                if let name = command.name { fields.append(".name = \(CValue.string(name))") }
                add(line, fields)
            case .register:
                var fields = [".type = SPEC_CMD_REGISTER", ".as = \(CValue.string(command.registeredAs ?? ""))"]
                if let name = command.name { fields.append(".name = \(CValue.string(name))") }
                add(line, fields)
            case .assertUnlinkable, .assertUninstantiable:
                let type = command.kind == .assertUnlinkable ? "SPEC_CMD_ASSERT_UNLINKABLE" : "SPEC_CMD_ASSERT_UNINSTANTIABLE"
                add(line, [".type = \(type)", ".text = \(CValue.string(command.text ?? ""))"] + moduleFields(command))
            case .action, .assertReturn, .assertTrap, .assertExhaustion:
                guard let action = command.action else {
                    skip(line, "command without an action")
                    continue
                }
                guard action.type == "invoke" || action.type == "get" else {
                    skip(line, "cross driver: action \(action.type)")
                    continue
                }
                guard let (args, argCount) = values(action.args ?? []),
                      let (results, resultCount) = values(command.kind == .assertReturn ? (command.expected ?? []) : [])
                else {
                    // Skipped with the module's reason when its module is skipped, else this one.
                    let all = (action.args ?? []) + (command.expected ?? [])
                    var scratch: [String] = []
                    var counter = 0
                    let type = all.first { CValue.initializer($0, arrays: &scratch, counter: &counter) == nil }?.type ?? "?"
                    var fields = [".type = SPEC_CMD_ACTION", ".unsupported = 1",
                                  ".reason = \(CValue.string("cross driver: values of type \(type)"))"]
                    if let module = action.module { fields.append(".name = \(CValue.string(module))") }
                    add(line, fields)
                    continue
                }
                let type: String
                switch command.kind {
                case .assertReturn: type = "SPEC_CMD_ASSERT_RETURN"
                case .assertTrap: type = "SPEC_CMD_ASSERT_TRAP"
                case .assertExhaustion: type = "SPEC_CMD_ASSERT_EXHAUSTION"
                default: type = "SPEC_CMD_ACTION"
                }
                var fields = [".type = \(type)", ".get = \(action.type == "get" ? 1 : 0)", ".field = \(CValue.string(action.field))", ".field_length = \(action.field.utf8.count)",
                              ".num_args = \(argCount)", ".args = \(args)", ".num_results = \(resultCount)", ".results = \(results)",
                              ".text = \(CValue.string(command.text ?? ""))"]
                if let module = action.module { fields.append(".name = \(CValue.string(module))") }
                add(line, fields)
            case .moduleDefinition:
                var fields = [".type = SPEC_CMD_MODULE_DEFINITION"] + moduleFields(command)
                if let name = command.name { fields.append(".name = \(CValue.string(name))") }
                add(line, fields)
            case .moduleInstance:
                var fields = [".type = SPEC_CMD_MODULE_INSTANCE"]
                if let definition = command.module { fields.append(".name = \(CValue.string(definition))") }
                if let instance = command.instance { fields.append(".as = \(CValue.string(instance))") }
                add(line, fields)
            case .assertException:
                skip(line, "beyond Wasm 2.0: exception-handling")
            case .unknown:
                skip(line, "unknown command \(command.typeName)")
            }
        }
        return plan
    }

    // MARK: - Building

    /// Compiles the plan's modules, writes its table, links the executable; returns its path.
    func build(plan: CrossPlan, file: SpecFile) throws -> String {
        struct Job: Sendable {
            var url: URL
            var symbol: String
        }
        let jobs = plan.modules.map { Job(url: $0.url, symbol: $0.symbol) }
        let level = optimizationLevel
        let target = self.target
        let objectsDirectory = work.appendingPathComponent("objects")
        let identity = compilerIdentity
        let results: [Result<String, CompileProblem>] = ParallelWork.map(jobs, workers: self.jobs) { job in
            Self.compile(job.url, symbol: job.symbol, target: target, level: level, identity: identity, directory: objectsDirectory)
        }

        var declarations = plan.declarations
        var objects: [String] = []
        var unavailable: [String: String] = [:]  // symbol -> reason
        for (job, result) in zip(jobs, results) {
            switch result {
            case .success(let object): objects.append(object)
            case .failure(let problem): unavailable[job.symbol] = problem.description
            }
        }
        for job in jobs where unavailable[job.symbol] == nil {
            declarations.insert("extern const w2n_module \(job.symbol);", at: 0)
        }
        // Commands whose module did not compile: no descriptor; the reason instead.
        var commands = plan.commands.map(\.initializer)
        for (symbol, reason) in unavailable {
            let skip = reason.hasPrefix("unsupported feature: ")
            commands = commands.map { command in
                guard command.contains(".module = &\(symbol),") || command.contains(".module = &\(symbol)}") else { return command }
                return command.replacingOccurrences(
                    of: ".module = &\(symbol)",
                    with: ".module = NULL, .skip_module = \(skip ? 1 : 0), .reason = \(CValue.string(reason))")
            }
        }
        let table = """
            /* Generated by `w2n-dev cross-spectest` from \(file.relativePath). */
            #include "spec_driver.h"
            #include <stddef.h>
            #include <stdint.h>

            \(declarations.joined(separator: "\n"))

            const spec_command spec_commands[] = {
              \(commands.joined(separator: ",\n  "))
            };
            const uint32_t spec_command_count = \(commands.count);

            """
        let stem = file.relativePath.replacingOccurrences(of: "/", with: "__").replacingOccurrences(of: ".wast", with: "")
        let tablePath = work.appendingPathComponent("bin/\(stem).c").path
        try table.write(toFile: tablePath, atomically: true, encoding: .utf8)
        let executable = work.appendingPathComponent("bin/\(stem)").path
        try run([zig, "cc", "-target", zigTarget, "-static", "-O0", "-g0", "-w"] + includeFlags
                + ["-o", executable, tablePath] + objects + [library])
        return executable
    }

    struct CompileProblem: Error, CustomStringConvertible {
        var description: String
    }

    static func compile(_ url: URL, symbol: String, target: Target, level: Int, identity: String, directory: URL)
        -> Result<String, CompileProblem>
    {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return .failure(CompileProblem(description: "cannot read \(url.path)"))
        }
        let bytes = [UInt8](data)
        let key = bytes + Array("\0\(symbol)\0O\(level)\0\(target.rawValue)\0\(identity)".utf8)
        let object = directory.appendingPathComponent(SHA256.hexDigest(key) + ".o").path
        if FileManager.default.fileExists(atPath: object) { return .success(object) }
        let module: Module
        do {
            module = try validateModule(bytes, features: .wasm2)
        } catch {
            return .failure(CompileProblem(description: "invalid module: \(error)"))
        }
        var loweringOptions = LoweringOptions()
        loweringOptions.descriptorSymbol = symbol
        loweringOptions.allowHostImports = true
        var options = CompileOptions()
        options.optimizationLevel = level
        options.target = target
        let temporary = object + ".\(getpid()).\(UInt64.random(in: 0...UInt64.max)).tmp"
        do {
            try Compiler.compileObject(module, loweringOptions: loweringOptions, options: options, objectPath: temporary)
        } catch let error as LoweringError {
            try? FileManager.default.removeItem(atPath: temporary)
            if case .unsupported(let feature, _) = error {
                return .failure(CompileProblem(description: "unsupported feature: \(feature)"))
            }
            return .failure(CompileProblem(description: error.description))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            return .failure(CompileProblem(description: "\(error)"))
        }
        guard rename(temporary, object) == 0 else {
            return .failure(CompileProblem(description: "cannot store \(object)"))
        }
        return .success(object)
    }
}

/// Spec values and strings as C.
enum CValue {
    /// A C string literal of the UTF-8 bytes of `text`.
    static func string(_ text: String) -> String {
        var out = "\""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "?"): out += "\\?"
            case 0x20...0x7E: out.append(Character(UnicodeScalar(byte)))
            default: out += "\\" + String(byte, radix: 8).leftPadded(to: 3)
            }
        }
        return out + "\""
    }

    static func nanPattern(_ text: String) -> Int {
        switch text {
        case "nan:canonical": return 1
        case "nan:arithmetic": return 2
        default: return 0
        }
    }

    /// How the script writes a value, for messages.
    static func describe(_ value: SpecValue) -> String {
        switch value.value {
        case .scalar(let text)?: return "\(value.type) \(text)"
        case .lanes(let lanes)?: return "\(value.type) \(value.laneType ?? "") [\(lanes.joined(separator: " "))]"
        case nil:
            if value.type == "either" { return "either(" + (value.values ?? []).map(describe).joined(separator: " | ") + ")" }
            return "\(value.type) (non-null)"
        }
    }

    /// A `spec_value` initializer, or nil for a value the driver does not encode. `either`
    /// alternatives go into a new array in `arrays`.
    static func initializer(_ value: SpecValue, arrays: inout [String], counter: inout Int) -> String? {
        let text = ".text = \(string(describe(value)))"
        switch (value.type, value.value) {
        case ("i32", .scalar(let number)?), ("f32", .scalar(let number)?):
            let isFloat = value.type == "f32"
            let nan = isFloat ? nanPattern(number) : 0
            let bits = nan != 0 ? 0 : (RuntimeValue.parse(number, bits: 32) ?? UInt64.max)
            guard bits != UInt64.max else { return nil }
            return "{.type = \(isFloat ? "SPEC_F32" : "SPEC_I32"), .nan = {\(nan)}, .bits = {.i32 = 0x\(String(bits, radix: 16))u}, \(text)}"
        case ("i64", .scalar(let number)?), ("f64", .scalar(let number)?):
            let isFloat = value.type == "f64"
            let nan = isFloat ? nanPattern(number) : 0
            guard nan != 0 || RuntimeValue.parse(number, bits: 64) != nil else { return nil }
            let bits = nan != 0 ? 0 : RuntimeValue.parse(number, bits: 64)!
            return "{.type = \(isFloat ? "SPEC_F64" : "SPEC_I64"), .nan = {\(nan)}, .bits = {.i64 = 0x\(String(bits, radix: 16))ull}, \(text)}"
        case ("v128", .lanes(let lanes)?):
            guard let laneType = value.laneType else { return nil }
            let width: Int
            switch laneType {
            case "i8": width = 1
            case "i16": width = 2
            case "i32", "f32": width = 4
            case "i64", "f64": width = 8
            default: return nil
            }
            guard lanes.count * width == 16 else { return nil }
            let isFloat = laneType.hasPrefix("f")
            var bytes: [UInt8] = []
            var nans: [Int] = []
            for lane in lanes {
                let nan = isFloat ? nanPattern(lane) : 0
                nans.append(nan)
                guard let number = nan != 0 ? 0 : RuntimeValue.parse(lane, bits: width * 8) else { return nil }
                for byte in 0..<width { bytes.append(UInt8(truncatingIfNeeded: number >> (8 * UInt64(byte)))) }
            }
            var low: UInt64 = 0
            var high: UInt64 = 0
            for index in 0..<8 {
                low |= UInt64(bytes[index]) << (8 * UInt64(index))
                high |= UInt64(bytes[index + 8]) << (8 * UInt64(index))
            }
            let nanList = nans.map(String.init).joined(separator: ", ")
            return "{.type = SPEC_V128, .lane_width = \(width), .lane_float = \(isFloat ? 1 : 0), .nan = {\(nanList)}, "
                + ".bits = {.v128 = {0x\(String(low, radix: 16))ull, 0x\(String(high, radix: 16))ull}}, \(text)}"
        case ("funcref", let payload), ("externref", let payload):
            let type = value.type == "funcref" ? "SPEC_FUNCREF" : "SPEC_EXTERNREF"
            switch payload {
            case nil: return "{.type = \(type), .ref = SPEC_REF_NON_NULL, \(text)}"
            case .scalar("null")?: return "{.type = \(type), .ref = SPEC_REF_NULL, \(text)}"
            case .scalar(let number)?:
                guard value.type == "externref", let n = UInt64(number) else { return nil }
                return "{.type = \(type), .ref = SPEC_REF_EXACT, .bits = {.ref = (void *)(uintptr_t)\(n + 1)u}, \(text)}"
            case .lanes?: return nil
            }
        case ("refnull", _): return "{.type = SPEC_REFNULL, \(text)}"
        case ("nullfuncref", _): return "{.type = SPEC_NULLFUNCREF, \(text)}"
        case ("nullexternref", _): return "{.type = SPEC_NULLEXTERNREF, \(text)}"
        case ("either", _):
            var items: [String] = []
            for alternative in value.values ?? [] {
                guard let item = initializer(alternative, arrays: &arrays, counter: &counter) else { return nil }
                items.append(item)
            }
            counter += 1
            let name = "either_\(counter)"
            arrays.append("static const spec_value \(name)[] = {\n  \(items.joined(separator: ",\n  "))\n};")
            return "{.type = SPEC_EITHER, .num_alternatives = \(items.count), .alternatives = \(name), \(text)}"
        default:
            return nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
