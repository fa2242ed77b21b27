// Per-thread execution state: the value stack (frame slots), the frame stack, and where the last
// trap happened.
//
// Both stacks are reserved once per thread (address space only; pages are touched as frames
// use them) and never move. A run of the executor starts at `top` and puts it back when it
// returns, so a host function that calls back into the interpreter (through w2n_invoke) runs above
// the frames of the call that is waiting for it. Exhausting either stack is the trap "call stack
// exhausted", whatever the guest's recursion depth: calls never recurse in Swift.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif
import RuntimeSupport

/// One suspended caller: where to continue when the callee returns.
struct Frame {
    /// The caller's next record; nil for the frame that returns to the host.
    var pc: UnsafePointer<Inst>?
    var sp: UnsafeMutablePointer<UInt64>
    var instance: UnsafeMutablePointer<w2n_instance>
    var record: UnsafeMutablePointer<FunctionRecord>
}

/// The state one thread executes with.
struct ExecutionContext {
    /// Slots of the value stack (8 bytes each).
    static let stackSlots = 8 << 20
    /// Frames (calls in progress).
    static let frameLimit = 1 << 19

    var stackBase: UnsafeMutablePointer<UInt64>
    var stackEnd: UnsafeMutablePointer<UInt64>
    /// The first slot not used by a run in progress.
    var top: UnsafeMutablePointer<UInt64>
    var frames: UnsafeMutablePointer<Frame>
    /// Frames in use by runs in progress.
    var frameCount: Int = 0
    /// The function the last trap happened in (its index in its module), if known.
    var trapFunction: UInt32?
    var trapModule: UnsafePointer<w2n_module>?

    /// The calling thread's context, created on first use.
    static var current: UnsafeMutablePointer<ExecutionContext> {
        if let existing = pthread_getspecific(contextKey) {
            return existing.assumingMemoryBound(to: ExecutionContext.self)
        }
        let context = UnsafeMutablePointer<ExecutionContext>.allocate(capacity: 1)
        let stack = reserve(bytes: stackSlots * MemoryLayout<UInt64>.stride).assumingMemoryBound(to: UInt64.self)
        let frames = reserve(bytes: frameLimit * MemoryLayout<Frame>.stride).assumingMemoryBound(to: Frame.self)
        context.initialize(
            to: ExecutionContext(stackBase: stack, stackEnd: stack + stackSlots, top: stack, frames: frames))
        pthread_setspecific(contextKey, context)
        return context
    }

    /// Forgets runs abandoned by a non-local exit (a host's timeout that jumped over the
    /// interpreter): the next run starts at the bottom of both stacks. Only for hosts that know no
    /// run is in progress on this thread.
    static func resetCurrentThread() {
        let context = current
        context.pointee.top = context.pointee.stackBase
        context.pointee.frameCount = 0
    }

    private static func reserve(bytes: Int) -> UnsafeMutableRawPointer {
        let memory = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let memory, memory != MAP_FAILED else {
            fatalError("wasm2native interpreter: cannot reserve \(bytes) bytes for the stacks")
        }
        return memory
    }

    fileprivate static func release(_ context: UnsafeMutablePointer<ExecutionContext>) {
        munmap(UnsafeMutableRawPointer(context.pointee.stackBase), stackSlots * MemoryLayout<UInt64>.stride)
        munmap(UnsafeMutableRawPointer(context.pointee.frames), frameLimit * MemoryLayout<Frame>.stride)
        context.deallocate()
    }
}

/// The thread-specific key of the contexts; a thread's context goes when the thread ends.
private let contextKey: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        ExecutionContext.release(pointer.assumingMemoryBound(to: ExecutionContext.self))
    }
    return key
}()
