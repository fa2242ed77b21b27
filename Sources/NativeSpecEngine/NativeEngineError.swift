// Why the native engine could not prepare or load a script's modules.

/// An error of the native engine's own machinery (not of a module under test).
package enum NativeEngineError: Error, CustomStringConvertible, Sendable {
    /// The linker is missing or failed.
    case link(String)
    /// dlopen failed.
    case load(String)
    /// A file could not be read or written.
    case io(String)

    /// The message, lowercase.
    package var description: String {
        switch self {
        case .link(let message): message
        case .load(let message): message
        case .io(let message): message
        }
    }
}
