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
    private var expanded: [ValueType] = []
    private var runEnds: [Int] = []
    private var runTypes: [ValueType] = []
    private var isExpanded = true
    private(set) var count = 0

    mutating func reset(parameters: [ValueType], declarations: [LocalDeclaration], localCount: Int, bodySize: Int) {
        count = parameters.count + localCount
        expanded.removeAll(keepingCapacity: true)
        runEnds.removeAll(keepingCapacity: true)
        runTypes.removeAll(keepingCapacity: true)
        isExpanded = count <= 256 || count <= bodySize * 4
        if isExpanded {
            expanded.append(contentsOf: parameters)
            for declaration in declarations {
                expanded.append(contentsOf: repeatElement(declaration.type, count: Int(declaration.count)))
            }
        } else {
            var end = 0
            for parameter in parameters {
                end += 1
                runEnds.append(end)
                runTypes.append(parameter)
            }
            for declaration in declarations where declaration.count > 0 {
                end += Int(declaration.count)
                runEnds.append(end)
                runTypes.append(declaration.type)
            }
        }
    }

    subscript(index: Int) -> ValueType {
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

/// Validates function bodies of one module.
struct FunctionValidator {
    let module: Module
    let declaredFunctionReferences: Set<UInt32>
    /// Offset of the instruction being validated, for error messages.
    var offset = 0
    var operands: [ValueType?] = []
    var frames: [ControlFrame] = []
    var locals = LocalTypes()
    /// Whether the function's final `end` has been seen.
    var isFinished = false

    init(module: Module, declaredFunctionReferences: Set<UInt32>) {
        self.module = module
        self.declaredFunctionReferences = declaredFunctionReferences
    }

    /// Validates the body of the function with index `functionIndex` (in the function index space).
    mutating func validate(body: FunctionBody, functionIndex: UInt32, type: FunctionType) throws(WasmParserError) {
        operands.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        isFinished = false
        locals.reset(
            parameters: type.parameters, declarations: body.locals, localCount: body.localCount,
            bodySize: body.instructionRange.count)
        frames.append(
            ControlFrame(
                kind: .function, parameters: .empty, results: TypeList(type.results), height: 0, isUnreachable: false))

        try withByteReader(module.bytes) { (reader: inout ByteReader) throws(WasmParserError) in
            reader.position = body.instructionRange.lowerBound
            reader.limit = body.instructionRange.upperBound
            var decoder = ExpressionDecoder(reader: reader, features: module.features)
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

    mutating func push(_ type: ValueType) {
        operands.append(type)
    }

    mutating func push(_ types: TypeList) {
        for i in 0..<types.count { operands.append(types[i]) }
    }

    /// Pops any operand; `nil` is the unknown type of unreachable code.
    mutating func pop() throws(WasmParserError) -> ValueType? {
        let frame = frames[frames.count - 1]
        if operands.count == frame.height {
            if frame.isUnreachable { return nil }
            throw typeMismatch()
        }
        return operands.removeLast()
    }

    /// Pops an operand that must match `expected`.
    @discardableResult
    mutating func pop(_ expected: ValueType) throws(WasmParserError) -> ValueType? {
        // Fast path: a known operand above the frame's height.
        let count = operands.count
        if count > frames[frames.count - 1].height, let actual = operands[count - 1] {
            guard actual == expected || isSubtype(actual, of: expected) else { throw typeMismatch() }
            operands.removeLast()
            return actual
        }
        let actual = try pop()
        if let actual, !isSubtype(actual, of: expected) { throw typeMismatch() }
        return actual
    }

    mutating func pop(_ types: TypeList) throws(WasmParserError) {
        var i = types.count
        while i > 0 {
            i -= 1
            try pop(types[i])
        }
    }

    /// Checks that the top of the stack matches `types` without popping them (br_if, br_table).
    mutating func checkTop(_ types: TypeList) throws(WasmParserError) {
        let frame = frames[frames.count - 1]
        let available = operands.count - frame.height
        for i in 0..<types.count {
            let depth = types.count - i  // 1 = top
            if depth > available {
                if frame.isUnreachable { continue }
                throw typeMismatch()
            }
            if let actual = operands[operands.count - depth], !isSubtype(actual, of: types[i]) {
                throw typeMismatch()
            }
        }
    }

    /// Whether a value of type `sub` may be used where `sup` is expected.
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
        push(parameters)
    }

    mutating func popFrame() throws(WasmParserError) -> ControlFrame {
        let frame = frames[frames.count - 1]
        try pop(frame.results)
        guard operands.count == frame.height else { throw typeMismatch() }
        frames.removeLast()
        return frame
    }

    mutating func markUnreachable() {
        let index = frames.count - 1
        operands.removeLast(operands.count - frames[index].height)
        frames[index].isUnreachable = true
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
            guard let type = module.functionType(at: index) else { throw invalid("unknown type") }
            return (TypeList(type.parameters), TypeList(type.results))
        }
    }

    // MARK: - Module context

    func functionType(_ functionIndex: UInt32) throws(WasmParserError) -> FunctionType {
        guard let type = module.typeOfFunction(functionIndex) else { throw invalid("unknown function \(functionIndex)") }
        return type
    }

    func tableType(_ table: UInt32) throws(WasmParserError) -> TableType {
        guard Int(table) < module.tableTypes.count else { throw invalid("unknown table \(table)") }
        return module.tableTypes[Int(table)]
    }

    func checkMemory(_ memory: UInt32) throws(WasmParserError) {
        guard Int(memory) < module.memoryTypes.count else { throw invalid("unknown memory \(memory)") }
    }

    func checkMemArg(_ memarg: MemArg, naturalAlignmentLog2: UInt32) throws(WasmParserError) {
        try checkMemory(memarg.memory)
        if memarg.offset > UInt64(UInt32.max) && module.memoryTypes[Int(memarg.memory)].limits.addressType == .i32 {
            throw invalid("offset out of range")
        }
        guard memarg.alignmentLog2 <= naturalAlignmentLog2 else {
            throw invalid("alignment must not be larger than natural")
        }
    }

    func localType(_ index: UInt32) throws(WasmParserError) -> ValueType {
        guard Int(index) < locals.count else { throw invalid("unknown local \(index)") }
        return locals[Int(index)]
    }

    func globalType(_ index: UInt32) throws(WasmParserError) -> GlobalType {
        guard Int(index) < module.globalTypes.count else { throw invalid("unknown global \(index)") }
        return module.globalTypes[Int(index)]
    }

    func checkDataSegment(_ index: UInt32) throws(WasmParserError) {
        guard let dataCount = module.dataCount else {
            throw .malformed("data count section required", at: offset)
        }
        guard index < dataCount else { throw invalid("unknown data segment \(index)") }
    }

    func elementType(_ index: UInt32) throws(WasmParserError) -> ReferenceType {
        guard Int(index) < module.elements.count else { throw invalid("unknown elem segment \(index)") }
        return module.elements[Int(index)].type
    }

    func checkLane(_ lane: UInt8, count: UInt8) throws(WasmParserError) {
        guard lane < count else { throw invalid("invalid lane index") }
    }
}
