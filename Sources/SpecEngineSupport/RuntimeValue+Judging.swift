// Judging an action command (`action`, `assert_return`, `assert_trap`, `assert_exhaustion`) by
// what the action did, and the rule for trap messages that `assert_uninstantiable` shares.

import SpecHarness

/// What an action did.
package enum ActionResult {
    case values([RuntimeValue])
    case trap(String)
    case fault(String)
    case error(String)
}

extension RuntimeValue {
    /// What the command expects, for reports.
    package static func expectation(of command: SpecCommand) -> String {
        switch command.kind {
        case .assertReturn: return describe(expected: command.expected ?? [])
        case .assertTrap, .assertExhaustion: return "trap: \(command.text ?? "")"
        default: return "no trap"
        }
    }

    /// The spec harness rule: the expected text is a prefix of our message. Our messages are
    /// fixed per trap code, so where the suite adds a detail to the spec's message
    /// ("uninitialized element 2") the command passes and the difference is listed among the
    /// message mismatches.
    package static func judgeTrap(message: String, expected: String) -> SpecOutcome {
        if message.hasPrefix(expected) { return .passed }
        if expected.hasPrefix(message + " ") {
            return .passed(message: MessageCheck(expected: expected, actual: message))
        }
        return .failed(expected: "trap: \(expected)", got: "trap: \(message)")
    }

    /// The outcome of an action command given what the action did.
    package static func judge(_ command: SpecCommand, result: ActionResult) -> SpecOutcome {
        let expected = expectation(of: command)
        switch result {
        case .error(let message), .fault(let message):
            return .failed(expected: expected, got: message)
        case .trap(let message):
            switch command.kind {
            case .assertTrap, .assertExhaustion:
                return judgeTrap(message: message, expected: command.text ?? "")
            default:
                return .failed(expected: expected, got: "trap: \(message)")
            }
        case .values(let values):
            switch command.kind {
            case .assertReturn:
                let wanted = command.expected ?? []
                if matches(values, expected: wanted) { return .passed }
                return .failed(expected: expected, got: describe(values, like: wanted))
            case .assertTrap, .assertExhaustion:
                return .failed(expected: expected, got: "returned \(describe(values, like: []))")
            default:
                return .passed
            }
        }
    }
}
