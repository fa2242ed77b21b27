// v128 operations (the SIMD categories, v128 loads and stores, shuffle): the part of the
// dispatch loop the executor hands off for every operation from `Op.v128Load` on.
//
// <https://webassembly.github.io/spec/core/exec/instructions.html#vector-instructions>
//
// A v128 occupies two slots (low 64 bits first); lane i of a shape is bytes
// [i*w, (i+1)*w) of the vector's little-endian bytes, which is what Swift's SIMD types hold on a
// little-endian host, so a vector is read as `SIMD2<UInt64>` and reinterpreted to the lane shape
// an operation needs. The lane arithmetic is in VectorArithmetic.swift.

typealias V128Bits = SIMD2<UInt64>

extension V128Bits {
    /// The vector viewed as lanes of another shape.
    @inline(__always) func lanes<T: SIMD>(_: T.Type) -> T { unsafeBitCast(self, to: T.self) }
    /// A vector from lanes of any 16-byte shape.
    @inline(__always) init<T: SIMD>(lanes: T) { self = unsafeBitCast(lanes, to: V128Bits.self) }
}

enum Vector {
    @inline(__always)
    static func read(_ sp: UnsafeMutablePointer<UInt64>, _ slot: UInt32) -> V128Bits {
        V128Bits(sp[Int(slot)], sp[Int(slot) + 1])
    }

    @inline(__always)
    static func write(_ value: V128Bits, _ sp: UnsafeMutablePointer<UInt64>, _ slot: UInt32) {
        sp[Int(slot)] = value[0]
        sp[Int(slot) + 1] = value[1]
    }

    /// Runs one vector operation; `next` points after `i`. Returns where execution continues
    /// (after the operation's operand records); sets `trap` when it traps.
    @inline(never)
    static func execute(
        _ i: Inst, next: UnsafePointer<Inst>, slots sp: UnsafeMutablePointer<UInt64>,
        memory: UnsafeMutableRawPointer, memorySize: UInt64, trap: inout UInt32
    ) -> UnsafePointer<Inst> {
        let op = i.op
        let raw = op.rawValue
        if raw >= Op.v128Load.rawValue && raw <= Op.v128Load64Zero.rawValue {
            // Loads: a = destination, b = address slot, c = offset.
            let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
            let width: UInt64 = op == .v128Load ? 16 : (op == .v128Load8Splat ? 1 : (op == .v128Load16Splat ? 2 :
                (op == .v128Load32Splat || op == .v128Load32Zero ? 4 : 8)))
            guard address &+ width <= memorySize else {
                trap = TrapCode.outOfBoundsMemory
                return next
            }
            write(load(op, memory + Int(address)), sp, i.a)
            return next
        }
        switch op {
        case .v128Store:
            let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
            guard address &+ 16 <= memorySize else {
                trap = TrapCode.outOfBoundsMemory
                return next
            }
            let value = read(sp, i.b)
            memory.storeBytes(of: value[0], toByteOffset: Int(address), as: UInt64.self)
            memory.storeBytes(of: value[1], toByteOffset: Int(address) + 8, as: UInt64.self)
            return next
        case .v128Load8Lane, .v128Load16Lane, .v128Load32Lane, .v128Load64Lane:
            let width = 1 << Int(raw - Op.v128Load8Lane.rawValue)
            let address = UInt64(low32(sp[Int(i.b)])) &+ UInt64(i.c)
            guard address &+ UInt64(width) <= memorySize else {
                trap = TrapCode.outOfBoundsMemory
                return next + 1
            }
            var vector = read(sp, next.pointee.a)
            withUnsafeMutableBytes(of: &vector) { bytes in
                (bytes.baseAddress! + Int(i.x) * width).copyMemory(from: memory + Int(address), byteCount: width)
            }
            write(vector, sp, i.a)
            return next + 1
        case .v128Store8Lane, .v128Store16Lane, .v128Store32Lane, .v128Store64Lane:
            let width = 1 << Int(raw - Op.v128Store8Lane.rawValue)
            let address = UInt64(low32(sp[Int(i.a)])) &+ UInt64(i.c)
            guard address &+ UInt64(width) <= memorySize else {
                trap = TrapCode.outOfBoundsMemory
                return next
            }
            var vector = read(sp, i.b)
            withUnsafeBytes(of: &vector) { bytes in
                (memory + Int(address)).copyMemory(from: bytes.baseAddress! + Int(i.x) * width, byteCount: width)
            }
            return next
        case .i8x16Shuffle:
            let left = read(sp, i.b).lanes(SIMD16<UInt8>.self)
            let right = read(sp, i.c).lanes(SIMD16<UInt8>.self)
            let selectors = V128Bits(
                UInt64(next.pointee.a) | UInt64(next.pointee.b) << 32,
                UInt64(next[1].a) | UInt64(next[1].b) << 32
            ).lanes(SIMD16<UInt8>.self)
            var result = SIMD16<UInt8>()
            for lane in 0..<16 {
                let selector = Int(selectors[lane])
                result[lane] = selector < 16 ? left[selector] : right[selector - 16]
            }
            write(V128Bits(lanes: result), sp, i.a)
            return next + 2
        case .v128Bitselect:
            let first = read(sp, i.b)
            let second = read(sp, i.c)
            let mask = read(sp, next.pointee.a)
            write((first & mask) | (second & ~mask), sp, i.a)
            return next + 1
        default:
            break
        }
        if raw >= Op.v128Not.rawValue && raw <= Op.f64x2ConvertLowI32x4U.rawValue {
            write(VectorArithmetic.unary(op, read(sp, i.b)), sp, i.a)
        } else if raw >= Op.i8x16Swizzle.rawValue && raw <= Op.f64x2Pmax.rawValue {
            write(VectorArithmetic.binary(op, read(sp, i.b), read(sp, i.c)), sp, i.a)
        } else if raw >= Op.v128AnyTrue.rawValue && raw <= Op.i64x2Bitmask.rawValue {
            sp[Int(i.a)] = UInt64(test(op, read(sp, i.b)))
        } else if raw >= Op.i8x16Shl.rawValue && raw <= Op.i64x2ShrU.rawValue {
            write(VectorArithmetic.shift(op, read(sp, i.b), low32(sp[Int(i.c)])), sp, i.a)
        } else if raw >= Op.i8x16Splat.rawValue && raw <= Op.f64x2Splat.rawValue {
            write(splat(op, sp[Int(i.b)]), sp, i.a)
        } else if raw >= Op.i8x16ExtractLaneS.rawValue && raw <= Op.f64x2ExtractLane.rawValue {
            sp[Int(i.a)] = extractLane(op, read(sp, i.b), lane: Int(i.x))
        } else if raw >= Op.i8x16ReplaceLane.rawValue && raw <= Op.f64x2ReplaceLane.rawValue {
            write(replaceLane(op, read(sp, i.b), lane: Int(i.x), scalar: sp[Int(i.c)]), sp, i.a)
        } else {
            trap = TrapCode.host
        }
        return next
    }

    // MARK: - Loads

    static func load(_ op: Op, _ source: UnsafeMutableRawPointer) -> V128Bits {
        func bytes<T>(_: T.Type) -> T { source.loadUnaligned(as: T.self) }
        switch op {
        case .v128Load: return V128Bits(bytes(UInt64.self), source.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        case .v128Load8x8S: return V128Bits(lanes: SIMD8<Int16>(truncatingIfNeeded: bytes(SIMD8<Int8>.self)))
        case .v128Load8x8U: return V128Bits(lanes: SIMD8<UInt16>(truncatingIfNeeded: bytes(SIMD8<UInt8>.self)))
        case .v128Load16x4S: return V128Bits(lanes: SIMD4<Int32>(truncatingIfNeeded: bytes(SIMD4<Int16>.self)))
        case .v128Load16x4U: return V128Bits(lanes: SIMD4<UInt32>(truncatingIfNeeded: bytes(SIMD4<UInt16>.self)))
        case .v128Load32x2S: return V128Bits(lanes: SIMD2<Int64>(truncatingIfNeeded: bytes(SIMD2<Int32>.self)))
        case .v128Load32x2U: return V128Bits(lanes: SIMD2<UInt64>(truncatingIfNeeded: bytes(SIMD2<UInt32>.self)))
        case .v128Load8Splat: return V128Bits(lanes: SIMD16<UInt8>(repeating: bytes(UInt8.self)))
        case .v128Load16Splat: return V128Bits(lanes: SIMD8<UInt16>(repeating: bytes(UInt16.self)))
        case .v128Load32Splat: return V128Bits(lanes: SIMD4<UInt32>(repeating: bytes(UInt32.self)))
        case .v128Load64Splat: return V128Bits(repeating: bytes(UInt64.self))
        case .v128Load32Zero: return V128Bits(UInt64(bytes(UInt32.self)), 0)
        default: return V128Bits(bytes(UInt64.self), 0)  // v128Load64Zero
        }
    }

    // MARK: - Tests, splats, lanes

    static func test(_ op: Op, _ v: V128Bits) -> UInt32 {
        switch op {
        case .v128AnyTrue: return v[0] != 0 || v[1] != 0 ? 1 : 0
        case .i8x16AllTrue: return allNonZero(v.lanes(SIMD16<UInt8>.self))
        case .i16x8AllTrue: return allNonZero(v.lanes(SIMD8<UInt16>.self))
        case .i32x4AllTrue: return allNonZero(v.lanes(SIMD4<UInt32>.self))
        case .i64x2AllTrue: return allNonZero(v)
        case .i8x16Bitmask: return bitmask(v.lanes(SIMD16<Int8>.self))
        case .i16x8Bitmask: return bitmask(v.lanes(SIMD8<Int16>.self))
        case .i32x4Bitmask: return bitmask(v.lanes(SIMD4<Int32>.self))
        default: return bitmask(v.lanes(SIMD2<Int64>.self))  // i64x2Bitmask
        }
    }

    @inline(__always)
    static func allNonZero<T: SIMD>(_ v: T) -> UInt32 where T.Scalar: FixedWidthInteger {
        for lane in v.indices where v[lane] == 0 { return 0 }
        return 1
    }

    @inline(__always)
    static func bitmask<T: SIMD>(_ v: T) -> UInt32 where T.Scalar: FixedWidthInteger & SignedInteger {
        var mask: UInt32 = 0
        for lane in v.indices where v[lane] < 0 { mask |= 1 << UInt32(lane) }
        return mask
    }

    static func splat(_ op: Op, _ bits: UInt64) -> V128Bits {
        switch op {
        case .i8x16Splat: return V128Bits(lanes: SIMD16<UInt8>(repeating: UInt8(truncatingIfNeeded: bits)))
        case .i16x8Splat: return V128Bits(lanes: SIMD8<UInt16>(repeating: UInt16(truncatingIfNeeded: bits)))
        case .i32x4Splat, .f32x4Splat: return V128Bits(lanes: SIMD4<UInt32>(repeating: low32(bits)))
        default: return V128Bits(repeating: bits)  // i64x2Splat, f64x2Splat
        }
    }

    static func extractLane(_ op: Op, _ v: V128Bits, lane: Int) -> UInt64 {
        switch op {
        case .i8x16ExtractLaneS: return slot(Int32(v.lanes(SIMD16<Int8>.self)[lane]))
        case .i8x16ExtractLaneU: return UInt64(v.lanes(SIMD16<UInt8>.self)[lane])
        case .i16x8ExtractLaneS: return slot(Int32(v.lanes(SIMD8<Int16>.self)[lane]))
        case .i16x8ExtractLaneU: return UInt64(v.lanes(SIMD8<UInt16>.self)[lane])
        case .i32x4ExtractLane, .f32x4ExtractLane: return UInt64(v.lanes(SIMD4<UInt32>.self)[lane])
        default: return v[lane]  // i64x2ExtractLane, f64x2ExtractLane
        }
    }

    static func replaceLane(_ op: Op, _ v: V128Bits, lane: Int, scalar: UInt64) -> V128Bits {
        switch op {
        case .i8x16ReplaceLane:
            var lanes = v.lanes(SIMD16<UInt8>.self)
            lanes[lane] = UInt8(truncatingIfNeeded: scalar)
            return V128Bits(lanes: lanes)
        case .i16x8ReplaceLane:
            var lanes = v.lanes(SIMD8<UInt16>.self)
            lanes[lane] = UInt16(truncatingIfNeeded: scalar)
            return V128Bits(lanes: lanes)
        case .i32x4ReplaceLane, .f32x4ReplaceLane:
            var lanes = v.lanes(SIMD4<UInt32>.self)
            lanes[lane] = low32(scalar)
            return V128Bits(lanes: lanes)
        default:
            var lanes = v
            lanes[lane] = scalar
            return lanes
        }
    }
}
