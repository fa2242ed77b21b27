// Validates one function body while it is decoded, as an `InstructionVisitor`.
//
// <https://webassembly.github.io/spec/core/appendix/algorithm.html>
//
// The algorithm is the spec appendix's: an operand stack whose entries may be "unknown" (the
// bottom type, `nil` here) after unconditional branches, and a control stack of frames that
// record the stack height at entry, the frame's parameter and result types, and whether the rest
// of the frame is unreachable. Engines that translate a body (the interpreter, the lowering) can
// run this validator in lockstep and read operand types and reachability from it.
//
// One validator is reused for every function of a module so that its stacks keep their capacity.

/// The parameter or result types of a block, a function or a label, without copying them.
struct TypeList {
    private enum Storage {
        case none
        case one(ValueType)
        case many([ValueType])
    }

    private let storage: Storage

    static let empty = TypeList(storage: .none)

    private init(storage: Storage) { self.storage = storage }

    init(_ type: ValueType) { storage = .one(type) }

    init(_ types: [ValueType]) { storage = types.isEmpty ? .none : .many(types) }

    var count: Int {
        switch storage {
        case .none: return 0
        case .one: return 1
        case .many(let types): return types.count
        }
    }

    subscript(index: Int) -> ValueType {
        switch storage {
        case .none: preconditionFailure("empty type list")
        case .one(let type): return type
        case .many(let types): return types[index]
        }
    }

    static func == (lhs: TypeList, rhs: TypeList) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for i in 0..<lhs.count where lhs[i] != rhs[i] { return false }
        return true
    }
}

/// The kind of a control frame.
enum FrameKind {
    case function, block, loop, `if`, `else`
}

/// A control frame of the validation algorithm.
struct ControlFrame {
    var kind: FrameKind
    var parameters: TypeList
    var results: TypeList
    /// The operand stack height when the frame was entered (its parameters excluded).
    var height: Int
    /// Whether an unconditional branch made the rest of the frame unreachable.
    var isUnreachable: Bool

    /// The types a branch to this frame's label carries.
    var labelTypes: TypeList { kind == .loop ? parameters : results }
}

/// The types of a function's locals, parameters first.
///
/// Small functions get an array; a function that declares many more locals than its body has
/// bytes keeps its run-length declarations and looks types up by binary search, so that the work
/// per function stays proportional to its size.
struct LocalTypes {
    private var expanded: [PackedType] = []
    private var runEnds: [Int] = []
    private var runTypes: [PackedType] = []
    private var isExpanded = true
    private(set) var count = 0

    mutating func reset(parameters: [ValueType], declarations: [LocalDeclaration], localCount: Int, bodySize: Int) {
        count = parameters.count + localCount
        expanded.removeAll(keepingCapacity: true)
        runEnds.removeAll(keepingCapacity: true)
        runTypes.removeAll(keepingCapacity: true)
        isExpanded = count <= 256 || count <= bodySize * 4
        if isExpanded {
            for parameter in parameters { expanded.append(PackedType(parameter)) }
            for declaration in declarations {
                expanded.append(contentsOf: repeatElement(PackedType(declaration.type), count: Int(declaration.count)))
            }
        } else {
            var end = 0
            for parameter in parameters {
                end += 1
                runEnds.append(end)
                runTypes.append(PackedType(parameter))
            }
            for declaration in declarations where declaration.count > 0 {
                end += Int(declaration.count)
                runEnds.append(end)
                runTypes.append(PackedType(declaration.type))
            }
        }
    }

    subscript(index: Int) -> PackedType {
        if isExpanded { return expanded[index] }
        var low = 0
        var high = runEnds.count - 1
        while low < high {
            let middle = (low + high) / 2
            if runEnds[middle] > index { high = middle } else { low = middle + 1 }
        }
        return runTypes[low]
    }
}

/// A value type packed into 64 bits for the operand stack, where comparing two types must cost
/// one integer comparison. 0 is the unknown type of unreachable code.
struct PackedType: Equatable {
    let raw: UInt64

    static let unknown = PackedType(raw: 0)
    static let i32 = PackedType(raw: 1)
    static let i64 = PackedType(raw: 2)
    static let f32 = PackedType(raw: 3)
    static let f64 = PackedType(raw: 4)
    static let v128 = PackedType(raw: 5)

    private init(raw: UInt64) { self.raw = raw }

    init(_ type: ValueType) {
        switch type {
        case .i32: raw = 1
        case .i64: raw = 2
        case .f32: raw = 3
        case .f64: raw = 4
        case .v128: raw = 5
        case .ref(let reference):
            let nullable: UInt64 = reference.isNullable ? 0x100 : 0
            switch reference.heapType {
            case .abstract(let abstract): raw = 0x1000 | nullable | UInt64(abstract.rawValue)
            case .concrete(let index): raw = 0x2000 | nullable | UInt64(index) << 16
            }
        }
    }

    var isKnown: Bool { raw != 0 }
    var isReference: Bool { raw >= 0x1000 }

    var valueType: ValueType {
        switch raw {
        case 1: return .i32
        case 2: return .i64
        case 3: return .f32
        case 4: return .f64
        case 5: return .v128
        default:
            let nullable = raw & 0x100 != 0
            let heap: HeapType =
                raw & 0x2000 != 0
                ? .concrete(typeIndex: UInt32(truncatingIfNeeded: raw >> 16))
                : .abstract(AbstractHeapType(rawValue: UInt8(raw & 0xFF))!)
            return .ref(ReferenceType(isNullable: nullable, heapType: heap))
        }
    }
}

/// The operand stack: a growable buffer of packed types, without the uniqueness checks that an
/// Array performs on every append.
final class OperandStack {
    private(set) var base: UnsafeMutablePointer<PackedType>
    private(set) var count = 0
    private var capacity = 64

    init() {
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    @inline(__always)
    func push(_ type: PackedType) {
        if count == capacity { grow() }
        base[count] = type
        count += 1
    }

    @inline(__always)
    func removeLast() -> PackedType {
        count -= 1
        return base[count]
    }

    @inline(__always)
    subscript(index: Int) -> PackedType { base[index] }

    func truncate(to height: Int) { count = height }

    private func grow() {
        let newBase = UnsafeMutablePointer<PackedType>.allocate(capacity: capacity * 2)
        newBase.moveInitialize(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity *= 2
    }
}

/// What function bodies are validated against: the module's index spaces, shared by reference so
/// that no instruction copies the module.
final class ValidationContext {
    let bytes: [UInt8]
    let features: WasmFeatureSet
    /// Function types by type index (nil for other composite types).
    let types: [FunctionType?]
    /// Type index per function index.
    let functionTypeIndices: [UInt32]
    let tableTypes: [TableType]
    let memoryTypes: [MemoryType]
    let globalTypes: [GlobalType]
    let elementTypes: [ReferenceType]
    let dataCount: UInt32?
    let declaredFunctionReferences: Set<UInt32>

    init(module: Module, declaredFunctionReferences: Set<UInt32>) {
        bytes = module.bytes
        features = module.features
        types = module.types.map(\.functionType)
        functionTypeIndices = module.functionTypes
        tableTypes = module.tableTypes
        memoryTypes = module.memoryTypes
        globalTypes = module.globalTypes
        elementTypes = module.elements.map(\.type)
        dataCount = module.dataCount
        self.declaredFunctionReferences = declaredFunctionReferences
    }

    func functionType(at index: UInt32) -> FunctionType? {
        Int(index) < types.count ? types[Int(index)] : nil
    }

    func typeOfFunction(_ index: UInt32) -> FunctionType? {
        Int(index) < functionTypeIndices.count ? functionType(at: functionTypeIndices[Int(index)]) : nil
    }
}

/// Validates function bodies of one module.
struct FunctionValidator {
    let context: ValidationContext
    /// Offset of the instruction being validated, for error messages.
    var offset = 0
    let operands = OperandStack()
    var frames: [ControlFrame] = []
    /// The innermost frame's height and reachability, cached for `pop`.
    var currentHeight = 0
    var currentIsUnreachable = false
    var locals = LocalTypes()
    /// Whether the function's final `end` has been seen.
    var isFinished = false

    init(module: Module, declaredFunctionReferences: Set<UInt32>) {
        context = ValidationContext(module: module, declaredFunctionReferences: declaredFunctionReferences)
    }

    /// Validates the body of the function with index `functionIndex` (in the function index space).
    mutating func validate(body: FunctionBody, functionIndex: UInt32, type: FunctionType) throws(WasmParserError) {
        operands.truncate(to: 0)
        frames.removeAll(keepingCapacity: true)
        isFinished = false
        locals.reset(
            parameters: type.parameters, declarations: body.locals, localCount: body.localCount,
            bodySize: body.instructionRange.count)
        frames.append(
            ControlFrame(
                kind: .function, parameters: .empty, results: TypeList(type.results), height: 0, isUnreachable: false))
        currentHeight = 0
        currentIsUnreachable = false

        let features = context.features
        try withByteReader(context.bytes) { (reader: inout ByteReader) throws(WasmParserError) in
            reader.position = body.instructionRange.lowerBound
            reader.limit = body.instructionRange.upperBound
            var decoder = ExpressionDecoder(reader: reader, features: features)
            while !isFinished {
                offset = decoder.reader.position
                try decoder.decodeInstruction(into: &self)
            }
            if !decoder.reader.isAtEnd {
                throw .malformed("operators remaining after end of function", at: decoder.reader.position)
            }
        }
    }

    // MARK: - Errors

    func invalid(_ message: String) -> WasmParserError {
        .invalid(message, at: offset)
    }

    func typeMismatch() -> WasmParserError {
        invalid("type mismatch")
    }

    // MARK: - Operand stack

    @inline(__always)
    func push(_ type: PackedType) {
        operands.push(type)
    }


    func push(_ types: TypeList) {
        for i in 0..<types.count { operands.push(PackedType(types[i])) }
    }

    /// Pops any operand; `.unknown` is the bottom type of unreachable code.
    @inline(__always)
    func pop() throws(WasmParserError) -> PackedType {
        if operands.count == currentHeight {
            if currentIsUnreachable { return .unknown }
            throw typeMismatch()
        }
        return operands.removeLast()
    }

    /// Pops an operand that must match `expected`.
    @inline(__always)
    @discardableResult
    func pop(_ expected: PackedType) throws(WasmParserError) -> PackedType {
        let actual = try pop()
        if actual != expected && actual.isKnown && !isSubtype(actual, of: expected) { throw typeMismatch() }
        return actual
    }

    func pop(_ types: TypeList) throws(WasmParserError) {
        var i = types.count
        while i > 0 {
            i -= 1
            try pop(PackedType(types[i]))
        }
    }

    /// Checks that the top of the stack matches `types` without popping them (br_table).
    func checkTop(_ types: TypeList) throws(WasmParserError) {
        let available = operands.count - currentHeight
        for i in 0..<types.count {
            let depth = types.count - i  // 1 = top
            if depth > available {
                if currentIsUnreachable { continue }
                throw typeMismatch()
            }
            let actual = operands[operands.count - depth]
            if actual.isKnown && !isSubtype(actual, of: PackedType(types[i])) { throw typeMismatch() }
        }
    }

    /// Whether a value of type `sub` may be used where `sup` is expected.
    func isSubtype(_ sub: PackedType, of sup: PackedType) -> Bool {
        if sub == sup { return true }
        guard sub.isReference && sup.isReference else { return false }
        return isSubtype(sub.valueType, of: sup.valueType)
    }

    func isSubtype(_ sub: ValueType, of sup: ValueType) -> Bool {
        if sub == sup { return true }
        guard case .ref(let subReference) = sub, case .ref(let supReference) = sup else { return false }
        if subReference.isNullable && !supReference.isNullable { return false }
        return subReference.heapType == supReference.heapType
    }

    // MARK: - Control stack

    mutating func pushFrame(_ kind: FrameKind, parameters: TypeList, results: TypeList) throws(WasmParserError) {
        guard frames.count < ParserLimits.maxNestingDepth else {
            throw invalid("nesting depth exceeds the implementation limit of \(ParserLimits.maxNestingDepth)")
        }
        frames.append(
            ControlFrame(
                kind: kind, parameters: parameters, results: results, height: operands.count, isUnreachable: false))
        currentHeight = operands.count
        currentIsUnreachable = false
        push(parameters)
    }

    mutating func popFrame() throws(WasmParserError) -> ControlFrame {
        let frame = frames[frames.count - 1]
        try pop(frame.results)
        guard operands.count == frame.height else { throw typeMismatch() }
        frames.removeLast()
        if let outer = frames.last {
            currentHeight = outer.height
            currentIsUnreachable = outer.isUnreachable
        }
        return frame
    }

    mutating func markUnreachable() {
        operands.truncate(to: currentHeight)
        frames[frames.count - 1].isUnreachable = true
        currentIsUnreachable = true
    }

    func label(_ depth: UInt32) throws(WasmParserError) -> ControlFrame {
        guard Int(depth) < frames.count else { throw invalid("unknown label") }
        return frames[frames.count - 1 - Int(depth)]
    }

    func blockTypes(_ blockType: BlockType) throws(WasmParserError) -> (TypeList, TypeList) {
        switch blockType {
        case .empty: return (.empty, .empty)
        case .value(let type): return (.empty, TypeList(type))
        case .typeIndex(let index):
            guard let type = context.functionType(at: index) else { throw invalid("unknown type") }
            return (TypeList(type.parameters), TypeList(type.results))
        }
    }

    // MARK: - Module context

    func functionType(_ functionIndex: UInt32) throws(WasmParserError) -> FunctionType {
        guard let type = context.typeOfFunction(functionIndex) else { throw invalid("unknown function \(functionIndex)") }
        return type
    }

    func tableType(_ table: UInt32) throws(WasmParserError) -> TableType {
        guard Int(table) < context.tableTypes.count else { throw invalid("unknown table \(table)") }
        return context.tableTypes[Int(table)]
    }

    func checkMemory(_ memory: UInt32) throws(WasmParserError) {
        guard Int(memory) < context.memoryTypes.count else { throw invalid("unknown memory \(memory)") }
    }

    func checkMemArg(_ memarg: MemArg, naturalAlignmentLog2: UInt32) throws(WasmParserError) {
        try checkMemory(memarg.memory)
        if memarg.offset > UInt64(UInt32.max) && context.memoryTypes[Int(memarg.memory)].limits.addressType == .i32 {
            throw invalid("offset out of range")
        }
        guard memarg.alignmentLog2 <= naturalAlignmentLog2 else {
            throw invalid("alignment must not be larger than natural")
        }
    }

    func localType(_ index: UInt32) throws(WasmParserError) -> PackedType {
        guard Int(index) < locals.count else { throw invalid("unknown local \(index)") }
        return locals[Int(index)]
    }

    func globalType(_ index: UInt32) throws(WasmParserError) -> GlobalType {
        guard Int(index) < context.globalTypes.count else { throw invalid("unknown global \(index)") }
        return context.globalTypes[Int(index)]
    }

    func checkDataSegment(_ index: UInt32) throws(WasmParserError) {
        guard let dataCount = context.dataCount else {
            throw .malformed("data count section required", at: offset)
        }
        guard index < dataCount else { throw invalid("unknown data segment \(index)") }
    }

    func elementType(_ index: UInt32) throws(WasmParserError) -> ReferenceType {
        guard Int(index) < context.elementTypes.count else { throw invalid("unknown elem segment \(index)") }
        return context.elementTypes[Int(index)]
    }

    func checkLane(_ lane: UInt8, count: UInt8) throws(WasmParserError) {
        guard lane < count else { throw invalid("invalid lane index") }
    }
}
