// Table instructions and bulk memory instructions, on the RuntimeSupport objects of the instance
// (`instance->tables`, `instance->memories`, `instance->elems`, the module's data segments).
//
// Bounds are checked here, before anything is written, with the spec's traps ("out of bounds
// table access", "out of bounds memory access"); then the work is a memmove/memset or one of
// RuntimeSupport's builtins that cannot fail any more. Nothing traps from C.

import RuntimeSupport

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

enum Tables {
    /// table.get, table.set, table.size, table.grow, table.fill, table.copy, table.init, elem.drop.
    /// `next` is the record after `i` (the table and segment indices of the longer forms).
    @inline(never)
    static func execute(
        _ i: Inst, next: Inst, slots sp: UnsafeMutablePointer<UInt64>, instance: UnsafeMutablePointer<w2n_instance>
    ) -> UInt32 {
        switch i.op {
        case .tableGet:
            let table = instance.pointee.tables[Int(i.c)]!
            let index = low32(sp[Int(i.b)])
            guard index < table.pointee.size else { return TrapCode.outOfBoundsTable }
            sp[Int(i.a)] = UInt64(UInt(bitPattern: table.pointee.elements[Int(index)]))
        case .tableSet:
            let table = instance.pointee.tables[Int(i.a)]!
            let index = low32(sp[Int(i.b)])
            guard index < table.pointee.size else { return TrapCode.outOfBoundsTable }
            table.pointee.elements[Int(index)] = reference(sp[Int(i.c)])
        case .tableSize:
            sp[Int(i.a)] = UInt64(instance.pointee.tables[Int(i.b)]!.pointee.size)
        case .tableGrow:
            let result = w2n_table_grow(instance, next.a, reference(sp[Int(i.b)]), low32(sp[Int(i.c)]))
            sp[Int(i.a)] = UInt64(result)
        case .tableFill:
            let table = instance.pointee.tables[Int(next.a)]!
            let start = UInt64(low32(sp[Int(i.a)]))
            let count = UInt64(low32(sp[Int(i.c)]))
            guard start + count <= UInt64(table.pointee.size) else { return TrapCode.outOfBoundsTable }
            let value = reference(sp[Int(i.b)])
            for index in start..<(start + count) { table.pointee.elements[Int(index)] = value }
        case .tableCopy:
            let destinationTable = instance.pointee.tables[Int(next.a)]!
            let sourceTable = instance.pointee.tables[Int(next.b)]!
            let destination = UInt64(low32(sp[Int(i.a)]))
            let source = UInt64(low32(sp[Int(i.b)]))
            let count = UInt64(low32(sp[Int(i.c)]))
            guard destination + count <= UInt64(destinationTable.pointee.size),
                source + count <= UInt64(sourceTable.pointee.size)
            else { return TrapCode.outOfBoundsTable }
            if count > 0 {
                memmove(
                    destinationTable.pointee.elements + Int(destination), sourceTable.pointee.elements + Int(source),
                    Int(count) * MemoryLayout<UnsafeMutableRawPointer?>.stride)
            }
        case .tableInit:
            let table = instance.pointee.tables[Int(next.a)]!
            let segment = instance.pointee.elems[Int(next.b)]
            let destination = UInt64(low32(sp[Int(i.a)]))
            let source = UInt64(low32(sp[Int(i.b)]))
            let count = UInt64(low32(sp[Int(i.c)]))
            guard source + count <= UInt64(segment.count), destination + count <= UInt64(table.pointee.size) else {
                return TrapCode.outOfBoundsTable
            }
            if count > 0 {
                memcpy(
                    table.pointee.elements + Int(destination), segment.items + Int(source),
                    Int(count) * MemoryLayout<UnsafeMutableRawPointer?>.stride)
            }
        case .elemDrop:
            w2n_elem_drop(instance, i.a)
        default:
            return TrapCode.host
        }
        return TrapCode.none
    }

    /// A reference value from its slot bits.
    @inline(__always)
    static func reference(_ bits: UInt64) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: UInt(bits))
    }
}

enum BulkMemory {
    /// memory.fill, memory.copy, memory.init, data.drop (memory 0).
    @inline(never)
    static func execute(
        _ i: Inst, next: Inst, slots sp: UnsafeMutablePointer<UInt64>, instance: UnsafeMutablePointer<w2n_instance>
    ) -> UInt32 {
        if i.op == .dataDrop {
            instance.pointee.data_dropped[Int(i.a)] = 1
            return TrapCode.none
        }
        guard let memory = instance.pointee.memories[0] else { return TrapCode.outOfBoundsMemory }
        let size = memory.pointee.size_bytes
        let base = memory.pointee.data!
        let destination = UInt64(low32(sp[Int(i.a)]))
        let count = UInt64(low32(sp[Int(i.c)]))
        switch i.op {
        case .memoryFill:
            guard destination + count <= size else { return TrapCode.outOfBoundsMemory }
            if count > 0 { memset(base + Int(destination), Int32(UInt8(truncatingIfNeeded: sp[Int(i.b)])), Int(count)) }
        case .memoryCopy:
            let source = UInt64(low32(sp[Int(i.b)]))
            guard destination + count <= size, source + count <= size else { return TrapCode.outOfBoundsMemory }
            if count > 0 { memmove(base + Int(destination), base + Int(source), Int(count)) }
        case .memoryInit:
            let segmentIndex = Int(next.a)
            let segment = instance.pointee.module!.pointee.data[segmentIndex]
            let length = instance.pointee.data_dropped[segmentIndex] != 0 ? 0 : UInt64(segment.length)
            let source = UInt64(low32(sp[Int(i.b)]))
            guard source + count <= length, destination + count <= size else { return TrapCode.outOfBoundsMemory }
            if count > 0 { memcpy(base + Int(destination), segment.bytes! + Int(source), Int(count)) }
        default:
            return TrapCode.host
        }
        return TrapCode.none
    }
}
