// A validated module prepared for the interpreter: its descriptor (for RuntimeSupport's
// w2n_instantiate) and its functions, translated on first call (or all at once with
// `translateAll()`).

import RuntimeSupport
import WasmParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A module the interpreter runs. Instantiate it through RuntimeSupport with `descriptor`, like a
/// compiled module; keep this object alive as long as any of its instances.
public final class InterpretedModule {
    /// The validated module.
    public let module: Module
    let header: UnsafeMutablePointer<ModuleHeader>
    private var allocations = CAllocations()
    private var codeBuffers: [UnsafeMutablePointer<Inst>] = []
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    /// Why translating a function failed (an implementation limit), by function index.
    private(set) var translationErrors: [UInt32: String] = [:]

    /// Decodes and validates `bytes` (WebAssembly 2.0) and prepares the module.
    public convenience init(bytes: [UInt8]) throws(InterpreterError) {
        let module: Module
        do {
            module = try validateModule(bytes)
        } catch {
            throw .invalidModule(error)
        }
        try self.init(module: module)
    }

    /// Prepares a validated module.
    public init(module: Module) throws(InterpreterError) {
        guard module.memoryTypes.count <= 1 else { throw .unsupported("several memories") }
        guard module.tagTypes.isEmpty else { throw .unsupported("exception handling tags") }
        if module.memoryTypes.contains(where: { $0.limits.addressType == .i64 || $0.limits.isShared }) {
            throw .unsupported("64-bit or shared memories")
        }
        self.module = module
        lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        header = UnsafeMutablePointer<ModuleHeader>.allocate(capacity: 1)
        let functionCount = module.functionTypes.count
        let records = UnsafeMutablePointer<FunctionRecord>.allocate(capacity: max(functionCount, 1))
        for index in 0..<functionCount {
            (records + index).initialize(to: FunctionRecord(functionIndex: UInt32(index), header: header))
        }
        let signatures = UnsafeMutablePointer<Signature>.allocate(capacity: max(module.types.count, 1))
        for (index, type) in module.types.enumerated() {
            (signatures + index).initialize(
                to: Signature(type.functionType ?? FunctionType(parameters: [], results: [])))
        }
        header.initialize(
            to: ModuleHeader(
                descriptor: w2n_module(), records: records, signatures: signatures,
                importedFunctionCount: UInt32(module.importedFunctionCount), owner: UnsafeMutableRawPointer(header)))
        header.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        ModuleDescriptor.build(module, header: header, allocations: &allocations)
    }

    deinit {
        let functionCount = module.functionTypes.count
        header.pointee.records.deinitialize(count: functionCount)
        header.pointee.records.deallocate()
        header.pointee.signatures.deinitialize(count: module.types.count)
        header.pointee.signatures.deallocate()
        header.deallocate()
        for buffer in codeBuffers { buffer.deallocate() }
        allocations.freeAll()
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// The descriptor to instantiate with `w2n_instantiate`.
    public var descriptor: UnsafePointer<w2n_module> {
        UnsafeRawPointer(header).assumingMemoryBound(to: w2n_module.self)
    }

    /// Whether `descriptor` belongs to an interpreted module.
    public static func isInterpreted(_ descriptor: UnsafePointer<w2n_module>) -> Bool {
        ModuleHeader.isInterpreted(descriptor)
    }

    /// Translates every function now (instead of on first call), so that an implementation
    /// limit shows up before anything runs.
    public func translateAll() throws(InterpreterError) {
        for index in module.importedFunctionCount..<module.functionTypes.count {
            guard ensureTranslated(header.pointee.records + index) else {
                throw .implementationLimit(translationErrors[UInt32(index)] ?? "function \(index)")
            }
        }
    }

    /// Translates a function if it is not yet; false when it cannot be.
    func ensureTranslated(_ record: UnsafeMutablePointer<FunctionRecord>) -> Bool {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if record.pointee.code != nil { return true }
        let index = record.pointee.functionIndex
        let translated: TranslatedFunction
        do {
            translated = try FunctionTranslator.translate(
                module: module, definedIndex: Int(index) - module.importedFunctionCount)
        } catch {
            translationErrors[index] = "\(error)"
            return false
        }
        let buffer = UnsafeMutablePointer<Inst>.allocate(capacity: translated.code.count)
        buffer.initialize(from: translated.code, count: translated.code.count)
        codeBuffers.append(buffer)
        record.pointee.codeCount = translated.code.count
        record.pointee.parameterSlots = translated.parameterSlots
        record.pointee.localSlots = translated.localSlots
        record.pointee.frameSlots = translated.frameSlots
        record.pointee.resultSlots = translated.resultSlots
        record.pointee.code = buffer
        return true
    }

    /// The owner of an interpreted module's header.
    static func owner(of header: UnsafeMutablePointer<ModuleHeader>) -> InterpretedModule {
        Unmanaged<InterpretedModule>.fromOpaque(header.pointee.owner).takeUnretainedValue()
    }

    /// The name of function `index` from the name section, if any.
    public func functionName(_ index: UInt32) -> String? {
        module.names.functionNames[index]
    }
}
