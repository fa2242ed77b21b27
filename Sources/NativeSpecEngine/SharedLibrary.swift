// A shared object loaded with dlopen: the compiled modules of one spec script.

import Foundation
import SpecTestHost

#if canImport(Glibc)
    import Glibc
#endif

/// A loaded shared object; unloaded when released.
final class SharedLibrary {
    /// The file it was loaded from.
    let path: String
    private let handle: UnsafeMutableRawPointer

    /// Loads `path` with RTLD_NOW | RTLD_LOCAL: every undefined symbol (the `w2n_*` builtins) must
    /// resolve now, to this process's exported symbols.
    init(path: String) throws(NativeEngineError) {
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw .load("dlopen \(path): \(Self.lastError())")
        }
        self.path = path
        self.handle = handle
    }

    deinit {
        dlclose(handle)
    }

    /// The address of a symbol, or nil.
    func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlsym(handle, name)
    }

    /// Where `address` lies, as `<file>+0x<offset>` (for `llvm-objdump --start-address`), if it is
    /// inside a loaded object.
    static func describe(address: UInt) -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        return buffer.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, spec_describe_address(address, base, buffer.count) != 0 else {
                return nil
            }
            return String(cString: base)
        }
    }

    private static func lastError() -> String {
        guard let message = dlerror() else { return "unknown error" }
        return String(cString: message)
    }
}
