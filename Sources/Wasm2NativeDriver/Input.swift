// Reading input files and reporting errors on stderr.

import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Exit status for usage errors and unreadable files.
let usageExitCode = ExitCode(2)

/// Writes a line to standard error.
func printError(_ message: String) {
    var line = "wasm2native: " + message + "\n"
    line.withUTF8 { buffer in
        _ = write(2, buffer.baseAddress, buffer.count)
    }
}

/// Reads a whole file, or exits with status 2 and a message naming the file and the reason.
func readInput(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        printError("cannot read \(path): \(String(cString: strerror(errno)))")
        throw usageExitCode
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
        if count < chunk.count {
            if ferror(file) != 0 {
                printError("cannot read \(path): \(String(cString: strerror(errno)))")
                throw usageExitCode
            }
            break
        }
    }
    return bytes
}
