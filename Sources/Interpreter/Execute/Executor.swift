// The dispatch loop: runs translated functions over the frame slots of the value stack.
//
// One Swift call runs a whole call tree: a wasm call pushes a `Frame` on the context's frame
// stack and continues in the callee's code; a return pops it. Calls into other interpreted
// instances (imports, tables) switch the current instance the same way; calls to host functions
// (WASI, spectest, any C function behind a funcref) go through HostCall.swift. Traps end the run
// with a `TrapCode`; nothing here jumps out of Swift code.
//
// Memory accesses are bounds-checked against the memory's current size (cached in `memorySize`
// and reloaded after anything that may change it: memory.grow, calls returning, host calls).
// Vector (v128) operations other than moves live in Executor+Vector.swift.

import RuntimeSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

enum Executor {
    /// An accessible address for modules without a memory (every access is out of bounds).
    nonisolated(unsafe) static let noMemory = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)

    /// Memory 0 of an instance: base, size in bytes, the memory.
    @inline(__always)
    static func memoryState(_ instance: UnsafeMutablePointer<w2n_instance>)
        -> (UnsafeMutableRawPointer, UInt64, UnsafeMutablePointer<w2n_memory>?)
    {
        guard let memory = instance.pointee.memories[0] else { return (noMemory, 0, nil) }
        return (UnsafeMutableRawPointer(memory.pointee.data!), memory.pointee.size_bytes, memory)
    }

    /// Prepares a call of `callee` with its frame at `frame`: translates it if needed, checks the
    /// stacks, pushes `caller`, zeroes the callee's locals. Returns the callee's code, or nil with
    /// the trap in `trap`.
    @inline(__always)
    static func enter(
        _ callee: UnsafeMutablePointer<FunctionRecord>, frame: UnsafeMutablePointer<UInt64>, caller: Frame,
        frames: UnsafeMutablePointer<Frame>, frameCount: inout Int, stackEnd: UnsafeMutablePointer<UInt64>,
        trap: inout UInt32
    ) -> UnsafePointer<Inst>? {
        if callee.pointee.code == nil && !translate(callee) {
            trap = TrapCode.host
            return nil
        }
        if frameCount >= ExecutionContext.frameLimit || frame + Int(callee.pointee.frameSlots) > stackEnd {
            trap = TrapCode.callStackExhausted
            return nil
        }
        frames[frameCount] = caller
        frameCount += 1
        let locals = Int(callee.pointee.localSlots)
        if locals > 0 { (frame + Int(callee.pointee.parameterSlots)).update(repeating: 0, count: locals) }
        return UnsafePointer(callee.pointee.code!)
    }

    @inline(never)
    static func translate(_ record: UnsafeMutablePointer<FunctionRecord>) -> Bool {
        InterpretedModule.owner(of: record.pointee.header).ensureTranslated(record)
    }

    /// Runs `entry` (an interpreted function of `entryInstance`) with its arguments in the slots
    /// from `base`; its results are left there. Returns TrapCode.none or the trap.
    static func run(
        context: UnsafeMutablePointer<ExecutionContext>, instance entryInstance: UnsafeMutablePointer<w2n_instance>,
        function entry: UnsafeMutablePointer<FunctionRecord>, base: UnsafeMutablePointer<UInt64>
    ) -> UInt32 {
        let savedTop = context.pointee.top
        let entryFrameCount = context.pointee.frameCount
        let frames = context.pointee.frames
        let stackEnd = context.pointee.stackEnd
        var frameCount = entryFrameCount
        var instance = entryInstance
        var record = entry
        var sp = base
        var trap = TrapCode.none
        var (memory, memorySize, memory0) = memoryState(instance)
        var globals = instance.pointee.globals!
        var header = ModuleHeader.of(instance)
        var records = header.pointee.records

        guard
            var pc = enter(
                entry, frame: sp, caller: Frame(pc: nil, sp: sp, instance: instance, record: record), frames: frames,
                frameCount: &frameCount, stackEnd: stackEnd, trap: &trap)
        else {
            context.pointee.trapFunction = entry.pointee.functionIndex
            context.pointee.trapModule = instance.pointee.module
            return trap
        }

        dispatch: while true {
            let i = pc.pointee
            pc += 1
            switch i.op {
            // MARK: Control
            case .unreachable:
                trap = TrapCode.unreachable
                break dispatch
            case .br:
                pc += Int(Int32(bitPattern: i.a))
            case .brIf:
                if low32(sp[Int(i.b)]) != 0 { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfNot:
                if low32(sp[Int(i.b)]) == 0 { pc += Int(Int32(bitPattern: i.a)) }
            case .brTable:
                let index = Int(min(low32(sp[Int(i.a)]), i.b))
                pc += Int(Int32(bitPattern: pc[index].a))
            case .copy:
                sp[Int(i.a)] = sp[Int(i.b)]
            case .copyV128:
                let low = sp[Int(i.b)]
                let high = sp[Int(i.b) + 1]
                sp[Int(i.a)] = low
                sp[Int(i.a) + 1] = high
            case .const64:
                sp[Int(i.a)] = i.immediate64
            case .constV128:
                sp[Int(i.a)] = i.immediate64
                sp[Int(i.a) + 1] = UInt64(pc.pointee.a) | UInt64(pc.pointee.b) << 32
                pc += 1
            case .call:
                let callee = records + Int(i.a)
                let frame = sp + Int(i.b)
                guard
                    let code = enter(
                        callee, frame: frame, caller: Frame(pc: pc, sp: sp, instance: instance, record: record),
                        frames: frames, frameCount: &frameCount, stackEnd: stackEnd, trap: &trap)
                else { break dispatch }
                pc = code
                sp = frame
                record = callee
            case .callImport, .callIndirect:
                let funcref: UnsafeMutablePointer<w2n_funcref>
                let typeIndex: Int
                if i.op == .callImport {
                    funcref = instance.pointee.functions[Int(i.a)]!
                    typeIndex = Int(header.pointee.descriptor.functions[Int(i.a)].type_index)
                } else {
                    let table = instance.pointee.tables[Int(i.x)]!
                    let element = low32(sp[Int(i.a)])
                    guard element < table.pointee.size else {
                        trap = TrapCode.undefinedElement
                        break dispatch
                    }
                    guard let reference = table.pointee.elements[Int(element)] else {
                        trap = TrapCode.uninitializedElement
                        break dispatch
                    }
                    funcref = reference.assumingMemoryBound(to: w2n_funcref.self)
                    guard funcref.pointee.type_id == instance.pointee.type_ids[Int(i.c)] else {
                        trap = TrapCode.indirectCallTypeMismatch
                        break dispatch
                    }
                    typeIndex = Int(i.c)
                }
                let frame = sp + Int(i.b)
                let callee: UnsafeMutablePointer<FunctionRecord>?
                if funcref.pointee.instance == instance && funcref.pointee.function_index >= header.pointee.importedFunctionCount {
                    callee = records + Int(funcref.pointee.function_index)
                } else {
                    callee = ModuleHeader.record(of: funcref)
                }
                if let callee {
                    guard
                        let code = enter(
                            callee, frame: frame, caller: Frame(pc: pc, sp: sp, instance: instance, record: record),
                            frames: frames, frameCount: &frameCount, stackEnd: stackEnd, trap: &trap)
                    else { break dispatch }
                    pc = code
                    sp = frame
                    record = callee
                    let calleeInstance = funcref.pointee.instance!
                    if calleeInstance != instance {
                        instance = calleeInstance
                        (memory, memorySize, memory0) = memoryState(instance)
                        globals = instance.pointee.globals!
                        header = ModuleHeader.of(instance)
                        records = header.pointee.records
                    }
                } else {
                    context.pointee.top = sp + Int(record.pointee.frameSlots)
                    context.pointee.frameCount = frameCount
                    trap = HostCall.call(funcref, signature: header.pointee.signatures + typeIndex, slots: frame)
                    context.pointee.top = savedTop
                    if trap != TrapCode.none { break dispatch }
                    (memory, memorySize, memory0) = memoryState(instance)
                }
            case .return:
                frameCount -= 1
                let caller = frames[frameCount]
                guard let returnPC = caller.pc else { break dispatch }
                pc = returnPC
                sp = caller.sp
                record = caller.record
                if caller.instance != instance {
                    instance = caller.instance
                    globals = instance.pointee.globals!
                    header = ModuleHeader.of(instance)
                    records = header.pointee.records
                }
                (memory, memorySize, memory0) = memoryState(instance)
            case .select:
                let condition = low32(sp[Int(pc.pointee.a)])
                sp[Int(i.a)] = condition != 0 ? sp[Int(i.b)] : sp[Int(i.c)]
                pc += 1
            case .selectV128:
                let source = low32(sp[Int(pc.pointee.a)]) != 0 ? Int(i.b) : Int(i.c)
                let low = sp[source]
                let high = sp[source + 1]
                sp[Int(i.a)] = low
                sp[Int(i.a) + 1] = high
                pc += 1

            // MARK: Variables and references
            case .globalGet32:
                sp[Int(i.a)] = UInt64(UnsafeRawPointer(globals[Int(i.b)]!).load(as: UInt32.self))
            case .globalGet64:
                sp[Int(i.a)] = UnsafeRawPointer(globals[Int(i.b)]!).load(as: UInt64.self)
            case .globalGetV128:
                let cell = UnsafeRawPointer(globals[Int(i.b)]!)
                sp[Int(i.a)] = cell.load(as: UInt64.self)
                sp[Int(i.a) + 1] = cell.load(fromByteOffset: 8, as: UInt64.self)
            case .globalSet32:
                UnsafeMutableRawPointer(globals[Int(i.a)]!).storeBytes(of: low32(sp[Int(i.b)]), as: UInt32.self)
            case .globalSet64:
                UnsafeMutableRawPointer(globals[Int(i.a)]!).storeBytes(of: sp[Int(i.b)], as: UInt64.self)
            case .globalSetV128:
                let cell = UnsafeMutableRawPointer(globals[Int(i.a)]!)
                cell.storeBytes(of: sp[Int(i.b)], as: UInt64.self)
                cell.storeBytes(of: sp[Int(i.b) + 1], toByteOffset: 8, as: UInt64.self)
            case .refIsNull:
                sp[Int(i.a)] = slot(sp[Int(i.b)] == 0)
            case .refFunc:
                sp[Int(i.a)] = UInt64(UInt(bitPattern: instance.pointee.functions[Int(i.b)]))

            // MARK: Tables and memory
            case .tableGet, .tableSet, .tableSize, .tableGrow, .tableFill, .tableCopy, .tableInit, .elemDrop:
                trap = Tables.execute(i, next: pc.pointee, slots: sp, instance: instance)
                if trap != TrapCode.none { break dispatch }
                if i.op == .tableGrow || i.op == .tableFill || i.op == .tableCopy || i.op == .tableInit { pc += 1 }
            case .memorySize:
                sp[Int(i.a)] = UInt64(memory0?.pointee.pages ?? 0)
            case .memoryGrow:
                sp[Int(i.a)] = UInt64(w2n_memory_grow(instance, 0, low32(sp[Int(i.b)])))
                (memory, memorySize, memory0) = memoryState(instance)
            case .memoryFill, .memoryCopy, .memoryInit, .dataDrop:
                trap = BulkMemory.execute(i, next: pc.pointee, slots: sp, instance: instance)
                if trap != TrapCode.none { break dispatch }
                if i.op != .dataDrop { pc += 1 }

            // MARK: Immediate forms
            case .i32AddImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &+ i.c)
            case .i32SubImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &- i.c)
            case .i32MulImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &* i.c)
            case .i32AndImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) & i.c)
            case .i32OrImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) | i.c)
            case .i32XorImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) ^ i.c)
            case .i32ShlImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &<< i.c)
            case .i32ShrSImm: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) &>> Int32(bitPattern: i.c))
            case .i32ShrUImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &>> i.c)
            case .i64AddImm: sp[Int(i.a)] = sp[Int(i.b)] &+ imm64(i.c)
            case .i64SubImm: sp[Int(i.a)] = sp[Int(i.b)] &- imm64(i.c)
            case .i64MulImm: sp[Int(i.a)] = sp[Int(i.b)] &* imm64(i.c)
            case .i64AndImm: sp[Int(i.a)] = sp[Int(i.b)] & imm64(i.c)
            case .i64OrImm: sp[Int(i.a)] = sp[Int(i.b)] | imm64(i.c)
            case .i64XorImm: sp[Int(i.a)] = sp[Int(i.b)] ^ imm64(i.c)
            case .i64ShlImm: sp[Int(i.a)] = sp[Int(i.b)] &<< imm64(i.c)
            case .i64ShrSImm: sp[Int(i.a)] = UInt64(bitPattern: signed64(sp[Int(i.b)]) &>> signed64(imm64(i.c)))
            case .i64ShrUImm: sp[Int(i.a)] = sp[Int(i.b)] &>> imm64(i.c)
            case .i32RotlImm: sp[Int(i.a)] = slot(Numerics.rotl32(low32(sp[Int(i.b)]), i.c))
            case .i32RotrImm: sp[Int(i.a)] = slot(Numerics.rotl32(low32(sp[Int(i.b)]), 32 &- i.c))
            case .i64RotlImm: sp[Int(i.a)] = Numerics.rotl64(sp[Int(i.b)], UInt64(i.c))
            case .i64RotrImm: sp[Int(i.a)] = Numerics.rotl64(sp[Int(i.b)], 64 &- UInt64(i.c))
            case .i32EqImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) == i.c)
            case .i32NeImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) != i.c)
            case .i32LtSImm: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) < Int32(bitPattern: i.c))
            case .i32LtUImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) < i.c)
            case .i32GtSImm: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) > Int32(bitPattern: i.c))
            case .i32GtUImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) > i.c)
            case .i32LeSImm: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) <= Int32(bitPattern: i.c))
            case .i32LeUImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) <= i.c)
            case .i32GeSImm: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) >= Int32(bitPattern: i.c))
            case .i32GeUImm: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) >= i.c)
            case .i64EqImm: sp[Int(i.a)] = slot(sp[Int(i.b)] == imm64(i.c))
            case .i64NeImm: sp[Int(i.a)] = slot(sp[Int(i.b)] != imm64(i.c))
            case .i64LtSImm: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) < signed64(imm64(i.c)))
            case .i64LtUImm: sp[Int(i.a)] = slot(sp[Int(i.b)] < imm64(i.c))
            case .i64GtSImm: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) > signed64(imm64(i.c)))
            case .i64GtUImm: sp[Int(i.a)] = slot(sp[Int(i.b)] > imm64(i.c))
            case .i64LeSImm: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) <= signed64(imm64(i.c)))
            case .i64LeUImm: sp[Int(i.a)] = slot(sp[Int(i.b)] <= imm64(i.c))
            case .i64GeSImm: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) >= signed64(imm64(i.c)))
            case .i64GeUImm: sp[Int(i.a)] = slot(sp[Int(i.b)] >= imm64(i.c))

            // MARK: Compare and branch
            case .brIfI32Eq: if low32(sp[Int(i.b)]) == low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32Ne: if low32(sp[Int(i.b)]) != low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LtS: if signed(sp[Int(i.b)]) < signed(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LtU: if low32(sp[Int(i.b)]) < low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GtS: if signed(sp[Int(i.b)]) > signed(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GtU: if low32(sp[Int(i.b)]) > low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LeS: if signed(sp[Int(i.b)]) <= signed(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LeU: if low32(sp[Int(i.b)]) <= low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GeS: if signed(sp[Int(i.b)]) >= signed(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GeU: if low32(sp[Int(i.b)]) >= low32(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32EqImm: if low32(sp[Int(i.b)]) == i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32NeImm: if low32(sp[Int(i.b)]) != i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LtSImm: if signed(sp[Int(i.b)]) < Int32(bitPattern: i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LtUImm: if low32(sp[Int(i.b)]) < i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GtSImm: if signed(sp[Int(i.b)]) > Int32(bitPattern: i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GtUImm: if low32(sp[Int(i.b)]) > i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LeSImm: if signed(sp[Int(i.b)]) <= Int32(bitPattern: i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32LeUImm: if low32(sp[Int(i.b)]) <= i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GeSImm: if signed(sp[Int(i.b)]) >= Int32(bitPattern: i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI32GeUImm: if low32(sp[Int(i.b)]) >= i.c { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64Eq: if sp[Int(i.b)] == sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64Ne: if sp[Int(i.b)] != sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LtS: if signed64(sp[Int(i.b)]) < signed64(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LtU: if sp[Int(i.b)] < sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GtS: if signed64(sp[Int(i.b)]) > signed64(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GtU: if sp[Int(i.b)] > sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LeS: if signed64(sp[Int(i.b)]) <= signed64(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LeU: if sp[Int(i.b)] <= sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GeS: if signed64(sp[Int(i.b)]) >= signed64(sp[Int(i.c)]) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GeU: if sp[Int(i.b)] >= sp[Int(i.c)] { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64EqImm: if sp[Int(i.b)] == imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64NeImm: if sp[Int(i.b)] != imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LtSImm:
                if signed64(sp[Int(i.b)]) < signed64(imm64(i.c)) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LtUImm: if sp[Int(i.b)] < imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GtSImm:
                if signed64(sp[Int(i.b)]) > signed64(imm64(i.c)) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GtUImm: if sp[Int(i.b)] > imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LeSImm:
                if signed64(sp[Int(i.b)]) <= signed64(imm64(i.c)) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64LeUImm: if sp[Int(i.b)] <= imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GeSImm:
                if signed64(sp[Int(i.b)]) >= signed64(imm64(i.c)) { pc += Int(Int32(bitPattern: i.a)) }
            case .brIfI64GeUImm: if sp[Int(i.b)] >= imm64(i.c) { pc += Int(Int32(bitPattern: i.a)) }

            // MARK: Scalar loads and stores
            case .i32Load, .f32Load:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 4 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.loadUnaligned(fromByteOffset: Int(address), as: UInt32.self))
            case .i64Load, .f64Load:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 8 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = memory.loadUnaligned(fromByteOffset: Int(address), as: UInt64.self)
            case .i32Load8S:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address < memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = slot(Int32(memory.load(fromByteOffset: Int(address), as: Int8.self)))
            case .i32Load8U:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address < memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.load(fromByteOffset: Int(address), as: UInt8.self))
            case .i32Load16S:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 2 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = slot(Int32(memory.loadUnaligned(fromByteOffset: Int(address), as: Int16.self)))
            case .i32Load16U:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 2 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.loadUnaligned(fromByteOffset: Int(address), as: UInt16.self))
            case .i64Load8S:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address < memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(bitPattern: Int64(memory.load(fromByteOffset: Int(address), as: Int8.self)))
            case .i64Load8U:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address < memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.load(fromByteOffset: Int(address), as: UInt8.self))
            case .i64Load16S:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 2 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(
                    bitPattern: Int64(memory.loadUnaligned(fromByteOffset: Int(address), as: Int16.self)))
            case .i64Load16U:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 2 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.loadUnaligned(fromByteOffset: Int(address), as: UInt16.self))
            case .i64Load32S:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 4 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(
                    bitPattern: Int64(memory.loadUnaligned(fromByteOffset: Int(address), as: Int32.self)))
            case .i64Load32U:
                let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
                guard address &+ 4 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                sp[Int(i.a)] = UInt64(memory.loadUnaligned(fromByteOffset: Int(address), as: UInt32.self))
            case .i32Store, .f32Store, .i64Store32:
                let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
                guard address &+ 4 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                memory.storeBytes(of: low32(sp[Int(i.b)]), toByteOffset: Int(address), as: UInt32.self)
            case .i64Store, .f64Store:
                let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
                guard address &+ 8 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                memory.storeBytes(of: sp[Int(i.b)], toByteOffset: Int(address), as: UInt64.self)
            case .i32Store8, .i64Store8:
                let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
                guard address < memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                memory.storeBytes(of: UInt8(truncatingIfNeeded: sp[Int(i.b)]), toByteOffset: Int(address), as: UInt8.self)
            case .i32Store16, .i64Store16:
                let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
                guard address &+ 2 <= memorySize else { trap = TrapCode.outOfBoundsMemory; break dispatch }
                memory.storeBytes(
                    of: UInt16(truncatingIfNeeded: sp[Int(i.b)]), toByteOffset: Int(address), as: UInt16.self)

            // MARK: Integer and float arithmetic (conversions and rounding: Scalar)
            case .i32Add: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &+ low32(sp[Int(i.c)]))
            case .i32Sub: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &- low32(sp[Int(i.c)]))
            case .i32Mul: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &* low32(sp[Int(i.c)]))
            case .i32DivS, .i32DivU, .i32RemS, .i32RemU, .i64DivS, .i64DivU, .i64RemS, .i64RemU:
                trap = Scalar.divide(i, slots: sp)
                if trap != TrapCode.none { break dispatch }
            case .i32And: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) & low32(sp[Int(i.c)]))
            case .i32Or: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) | low32(sp[Int(i.c)]))
            case .i32Xor: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) ^ low32(sp[Int(i.c)]))
            case .i32Shl: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &<< low32(sp[Int(i.c)]))
            case .i32ShrS: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) &>> signed(sp[Int(i.c)]))
            case .i32ShrU: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) &>> low32(sp[Int(i.c)]))
            case .i32Rotl: sp[Int(i.a)] = slot(Numerics.rotl32(low32(sp[Int(i.b)]), low32(sp[Int(i.c)])))
            case .i32Rotr: sp[Int(i.a)] = slot(Numerics.rotl32(low32(sp[Int(i.b)]), 32 &- low32(sp[Int(i.c)])))
            case .i64Add: sp[Int(i.a)] = sp[Int(i.b)] &+ sp[Int(i.c)]
            case .i64Sub: sp[Int(i.a)] = sp[Int(i.b)] &- sp[Int(i.c)]
            case .i64Mul: sp[Int(i.a)] = sp[Int(i.b)] &* sp[Int(i.c)]
            case .i64And: sp[Int(i.a)] = sp[Int(i.b)] & sp[Int(i.c)]
            case .i64Or: sp[Int(i.a)] = sp[Int(i.b)] | sp[Int(i.c)]
            case .i64Xor: sp[Int(i.a)] = sp[Int(i.b)] ^ sp[Int(i.c)]
            case .i64Shl: sp[Int(i.a)] = sp[Int(i.b)] &<< sp[Int(i.c)]
            case .i64ShrS: sp[Int(i.a)] = UInt64(bitPattern: signed64(sp[Int(i.b)]) &>> signed64(sp[Int(i.c)]))
            case .i64ShrU: sp[Int(i.a)] = sp[Int(i.b)] &>> sp[Int(i.c)]
            case .i64Rotl: sp[Int(i.a)] = Numerics.rotl64(sp[Int(i.b)], sp[Int(i.c)])
            case .i64Rotr: sp[Int(i.a)] = Numerics.rotl64(sp[Int(i.b)], 64 &- sp[Int(i.c)])
            case .f32Add: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) + float(sp[Int(i.c)]))
            case .f32Sub: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) - float(sp[Int(i.c)]))
            case .f32Mul: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) * float(sp[Int(i.c)]))
            case .f32Div: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) / float(sp[Int(i.c)]))
            case .f32Min: sp[Int(i.a)] = slot(Numerics.minimum(float(sp[Int(i.b)]), float(sp[Int(i.c)])))
            case .f32Max: sp[Int(i.a)] = slot(Numerics.maximum(float(sp[Int(i.b)]), float(sp[Int(i.c)])))
            case .f32Copysign: sp[Int(i.a)] = Numerics.copysign32(sp[Int(i.b)], sp[Int(i.c)])
            case .f64Add: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) + double(sp[Int(i.c)]))
            case .f64Sub: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) - double(sp[Int(i.c)]))
            case .f64Mul: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) * double(sp[Int(i.c)]))
            case .f64Div: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) / double(sp[Int(i.c)]))
            case .f64Min: sp[Int(i.a)] = slot(Numerics.minimum(double(sp[Int(i.b)]), double(sp[Int(i.c)])))
            case .f64Max: sp[Int(i.a)] = slot(Numerics.maximum(double(sp[Int(i.b)]), double(sp[Int(i.c)])))
            case .f64Copysign: sp[Int(i.a)] = Numerics.copysign64(sp[Int(i.b)], sp[Int(i.c)])
            case .i32Eqz: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) == 0)
            case .i64Eqz: sp[Int(i.a)] = slot(sp[Int(i.b)] == 0)
            case .i32Eq: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) == low32(sp[Int(i.c)]))
            case .i32Ne: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) != low32(sp[Int(i.c)]))
            case .i32LtS: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) < signed(sp[Int(i.c)]))
            case .i32LtU: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) < low32(sp[Int(i.c)]))
            case .i32GtS: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) > signed(sp[Int(i.c)]))
            case .i32GtU: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) > low32(sp[Int(i.c)]))
            case .i32LeS: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) <= signed(sp[Int(i.c)]))
            case .i32LeU: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) <= low32(sp[Int(i.c)]))
            case .i32GeS: sp[Int(i.a)] = slot(signed(sp[Int(i.b)]) >= signed(sp[Int(i.c)]))
            case .i32GeU: sp[Int(i.a)] = slot(low32(sp[Int(i.b)]) >= low32(sp[Int(i.c)]))
            case .i64Eq: sp[Int(i.a)] = slot(sp[Int(i.b)] == sp[Int(i.c)])
            case .i64Ne: sp[Int(i.a)] = slot(sp[Int(i.b)] != sp[Int(i.c)])
            case .i64LtS: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) < signed64(sp[Int(i.c)]))
            case .i64LtU: sp[Int(i.a)] = slot(sp[Int(i.b)] < sp[Int(i.c)])
            case .i64GtS: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) > signed64(sp[Int(i.c)]))
            case .i64GtU: sp[Int(i.a)] = slot(sp[Int(i.b)] > sp[Int(i.c)])
            case .i64LeS: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) <= signed64(sp[Int(i.c)]))
            case .i64LeU: sp[Int(i.a)] = slot(sp[Int(i.b)] <= sp[Int(i.c)])
            case .i64GeS: sp[Int(i.a)] = slot(signed64(sp[Int(i.b)]) >= signed64(sp[Int(i.c)]))
            case .i64GeU: sp[Int(i.a)] = slot(sp[Int(i.b)] >= sp[Int(i.c)])
            case .f32Eq: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) == float(sp[Int(i.c)]))
            case .f32Ne: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) != float(sp[Int(i.c)]))
            case .f32Lt: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) < float(sp[Int(i.c)]))
            case .f32Gt: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) > float(sp[Int(i.c)]))
            case .f32Le: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) <= float(sp[Int(i.c)]))
            case .f32Ge: sp[Int(i.a)] = slot(float(sp[Int(i.b)]) >= float(sp[Int(i.c)]))
            case .f64Eq: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) == double(sp[Int(i.c)]))
            case .f64Ne: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) != double(sp[Int(i.c)]))
            case .f64Lt: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) < double(sp[Int(i.c)]))
            case .f64Gt: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) > double(sp[Int(i.c)]))
            case .f64Le: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) <= double(sp[Int(i.c)]))
            case .f64Ge: sp[Int(i.a)] = slot(double(sp[Int(i.b)]) >= double(sp[Int(i.c)]))
            case .i32WrapI64, .i32ReinterpretF32, .i64ReinterpretF64, .f32ReinterpretI32, .f64ReinterpretI64:
                sp[Int(i.a)] = sp[Int(i.b)]
            case .i64ExtendI32S: sp[Int(i.a)] = UInt64(bitPattern: Int64(signed(sp[Int(i.b)])))
            case .i64ExtendI32U: sp[Int(i.a)] = UInt64(low32(sp[Int(i.b)]))

            default:
                if i.op.rawValue < Op.v128Load.rawValue && i.op != .i8x16Shuffle {
                    trap = Scalar.execute(i, slots: sp)
                } else {
                    pc = Vector.execute(i, next: pc, slots: sp, memory: memory, memorySize: memorySize, trap: &trap)
                }
                if trap != TrapCode.none { break dispatch }
            }
        }

        if trap != TrapCode.none {
            context.pointee.trapFunction = record.pointee.functionIndex
            context.pointee.trapModule = instance.pointee.module
        }
        context.pointee.frameCount = entryFrameCount
        context.pointee.top = savedTop
        return trap
    }

    /// An i64 immediate: the record's 32 bits sign-extended.
    @inline(__always)
    static func imm64(_ bits: UInt32) -> UInt64 {
        UInt64(bitPattern: Int64(Int32(bitPattern: bits)))
    }
}
