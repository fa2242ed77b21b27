// Reporting a crash or a hang of the code under test with enough context to reproduce it.
//
// The harness validates thousands of modules in-process. A crash (a Swift runtime trap is SIGILL or
// SIGTRAP, a stack overflow SIGSEGV) or an endless loop would end or stall the run without saying
// which module did it. So, before each module, the caller sets a label ("memory64.wast:54
// assert_invalid") and optionally the module's bytes; a signal handler (on its own stack, so stack
// overflows are caught too) prints the label and writes the bytes to a file, then re-raises the
// signal; a watchdog thread does the same and exits when one module takes longer than the hang limit.
// The handler uses only async-signal-safe calls (write, open, close, signal, raise).

import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash and hang reporting around in-process work items.
package enum CrashGuard {
    private static let labelCapacity = 1024
    private static let pathCapacity = 4096

    // Written by the worker thread before each item, read by the signal handler on that thread and,
    // for hangs, by the watchdog; plain memory because a signal handler cannot take locks.
    nonisolated(unsafe) private static var label = UnsafeMutablePointer<CChar>.allocate(capacity: labelCapacity)
    nonisolated(unsafe) private static var payloadPath = UnsafeMutablePointer<CChar>.allocate(capacity: pathCapacity)
    nonisolated(unsafe) private static var payload: UnsafeRawBufferPointer?
    private static let itemStart = Atomic<UInt64>(0)
    private static let installed = Mutex(false)

    /// Installs the signal handlers and starts a watchdog that reports and exits when one item runs
    /// longer than `hangLimit` seconds. Idempotent.
    package static func install(hangLimit: Double = 20) {
        let first = installed.withLock { installed in
            defer { installed = true }
            return !installed
        }
        guard first else { return }
        label[0] = 0
        payloadPath[0] = 0

        let stackSize = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: stackSize, alignment: 16)
        stack.ss_size = stackSize
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        for signalNumber in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGFPE, SIGABRT] {
            var action = sigaction()
            #if canImport(Glibc)
                action.__sigaction_handler.sa_handler = crashHandler
            #else
                action.__sigaction_u.__sa_handler = crashHandler
            #endif
            action.sa_flags = Int32(SA_ONSTACK) | Int32(bitPattern: UInt32(SA_RESETHAND))
            sigemptyset(&action.sa_mask)
            sigaction(signalNumber, &action, nil)
        }

        let limit = UInt64(hangLimit * 1e9)
        let watchdog = Thread {
            while true {
                usleep(200_000)
                let start = itemStart.load(ordering: .relaxed)
                if start != 0 && MonotonicClock.now() &- start > limit {
                    FileHandle.standardError.write(Data("\nhang: one item ran longer than \(hangLimit) s".utf8))
                    writeContext()
                    exit(1)
                }
            }
        }
        watchdog.start()
    }

    /// Marks the start of one item: its label, and the bytes to save should it crash or hang into
    /// `savePath`. `payload` must stay valid until `end()`.
    package static func begin(_ text: String, payload bytes: UnsafeRawBufferPointer? = nil, savePath: String? = nil) {
        copy(text, into: label, capacity: labelCapacity)
        copy(savePath ?? "", into: payloadPath, capacity: pathCapacity)
        payload = bytes
        itemStart.store(MonotonicClock.now(), ordering: .relaxed)
    }

    /// Sets the label a crash reports without starting the hang timer (long phases such as
    /// compiling a script's modules, which may legitimately take longer than the hang limit).
    package static func setLabel(_ text: String) {
        copy(text, into: label, capacity: labelCapacity)
        copy("", into: payloadPath, capacity: pathCapacity)
        payload = nil
    }

    /// Marks the end of the current item.
    package static func end() {
        itemStart.store(0, ordering: .relaxed)
        payload = nil
    }

    private static func copy(_ text: String, into buffer: UnsafeMutablePointer<CChar>, capacity: Int) {
        text.withCString { source in
            var index = 0
            while index < capacity - 1 && source[index] != 0 {
                buffer[index] = source[index]
                index += 1
            }
            buffer[index] = 0
        }
    }

    /// Writes " while running: <label>" and saves the payload; async-signal-safe.
    fileprivate static func writeContext() {
        writeError(" while running: ")
        writeError(label)
        writeError("\n")
        if let payload, let base = payload.baseAddress, payloadPath[0] != 0 {
            let descriptor = open(payloadPath, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
            if descriptor >= 0 {
                _ = write(descriptor, base, payload.count)
                close(descriptor)
                writeError("saved the module to ")
                writeError(payloadPath)
                writeError("\n")
            }
        }
    }

    fileprivate static func writeError(_ text: UnsafePointer<CChar>) {
        _ = write(2, text, strlen(text))
    }

    fileprivate static func writeError(_ text: StaticString) {
        _ = write(2, text.utf8Start, text.utf8CodeUnitCount)
    }
}

private func crashHandler(_ signalNumber: Int32) {
    CrashGuard.writeError("\ncrash: signal ")
    var digits: (UInt8, UInt8) = (UInt8(48 + signalNumber / 10 % 10), UInt8(48 + signalNumber % 10))
    withUnsafeBytes(of: &digits) { digits in
        let skip = digits[0] == 48 ? 1 : 0
        _ = write(2, digits.baseAddress! + skip, 2 - skip)
    }
    CrashGuard.writeContext()
    signal(signalNumber, SIG_DFL)
    raise(signalNumber)
}
