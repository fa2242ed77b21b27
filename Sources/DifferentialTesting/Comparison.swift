// Comparing the executions of one module in the two engines.
//
// Values are compared bit for bit, except that two NaNs of the same type (also per f32x4 or f64x2
// lane of a v128) are equal: the spec lets an engine pick any NaN payload for a non-canonical
// result. Traps are compared by code. Stack exhaustion happens at different depths in the two
// engines (different stacks), so a call that exhausts the stack in either one ends the comparison
// of that module as inconclusive (what it wrote before depends on the depth). State (memories,
// globals, tables) is compared after all calls.

import WasmParser

/// The result of comparing two executions.
enum Verdict: Equatable {
    case agree
    /// Not comparable (stack exhaustion), with the reason.
    case inconclusive(String)
    /// The engines disagree: what differs.
    case disagree(String)
}

enum Comparison {
    static func compare(interpreter: Execution, native: Execution) -> Verdict {
        if interpreter.instantiation != native.instantiation {
            if interpreter.instantiation.isStackExhaustion || native.instantiation.isStackExhaustion {
                return .inconclusive("stack exhaustion while instantiating")
            }
            return .disagree(
                "instantiation: interpreter \(interpreter.instantiation), native \(native.instantiation)")
        }
        if case .failed = interpreter.instantiation { return .agree }
        if let mine = interpreter.initialState, let theirs = native.initialState, let difference = differences(mine, theirs) {
            return .disagree("after instantiation: \(difference)")
        }
        for (index, (mine, theirs)) in zip(interpreter.calls, native.calls).enumerated() {
            if mine.outcome.isStackExhaustion || theirs.outcome.isStackExhaustion {
                return .inconclusive("stack exhaustion in call \(index) (\(mine.name.debugDescription))")
            }
            guard outcomesEqual(mine.outcome, theirs.outcome) else {
                let arguments = mine.arguments.map(\.description).joined(separator: ", ")
                return .disagree(
                    "call \(index) \(mine.name.debugDescription)(\(arguments)): interpreter \(mine.outcome), native \(theirs.outcome)")
            }
            if let difference = differences(mine.state, theirs.state) {
                return .disagree("after call \(index) \(mine.name.debugDescription): \(difference)")
            }
        }
        if interpreter.calls.count != native.calls.count {
            return .disagree("calls: interpreter made \(interpreter.calls.count), native \(native.calls.count)")
        }
        guard let mine = interpreter.state, let theirs = native.state else {
            return interpreter.state == nil && native.state == nil ? .agree : .disagree("state: only one engine has one")
        }
        if let difference = differences(mine, theirs) { return .disagree(difference) }
        return .agree
    }

    /// How two states differ, or nil.
    static func differences(_ mine: StateDigest, _ theirs: StateDigest) -> String? {
        if mine.memories != theirs.memories {
            return "memories: interpreter \(mine.memories), native \(theirs.memories)"
        }
        for (index, (a, b)) in zip(mine.globals, theirs.globals).enumerated() where !valuesEqual(a, b) {
            return "global \(index): interpreter \(a), native \(b)"
        }
        if mine.tables != theirs.tables {
            return "tables: interpreter \(mine.tables), native \(theirs.tables)"
        }
        return nil
    }

    static func outcomesEqual(_ a: Outcome, _ b: Outcome) -> Bool {
        switch (a, b) {
        case (.values(let x), .values(let y)):
            return x.count == y.count && zip(x, y).allSatisfy(valuesEqual)
        default:
            return a == b
        }
    }

    static func valuesEqual(_ a: ValueBits, _ b: ValueBits) -> Bool {
        if a == b { return true }
        guard a.type == b.type else { return false }
        switch a.type {
        case .f32:
            return Float(bitPattern: UInt32(truncatingIfNeeded: a.low)).isNaN
                && Float(bitPattern: UInt32(truncatingIfNeeded: b.low)).isNaN
        case .f64:
            return Double(bitPattern: a.low).isNaN && Double(bitPattern: b.low).isNaN
        case .v128:
            return lanesEqual32(a, b) || lanesEqual64(a, b)
        default:
            return false
        }
    }

    /// Equal as f32x4, NaN lanes matching any NaN.
    static func lanesEqual32(_ a: ValueBits, _ b: ValueBits) -> Bool {
        let x = [a.low, a.low >> 32, a.high, a.high >> 32].map { UInt32(truncatingIfNeeded: $0) }
        let y = [b.low, b.low >> 32, b.high, b.high >> 32].map { UInt32(truncatingIfNeeded: $0) }
        return zip(x, y).allSatisfy { $0 == $1 || (Float(bitPattern: $0).isNaN && Float(bitPattern: $1).isNaN) }
    }

    /// Equal as f64x2, NaN lanes matching any NaN.
    static func lanesEqual64(_ a: ValueBits, _ b: ValueBits) -> Bool {
        zip([a.low, a.high], [b.low, b.high]).allSatisfy {
            $0 == $1 || (Double(bitPattern: $0).isNaN && Double(bitPattern: $1).isNaN)
        }
    }
}
