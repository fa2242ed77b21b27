// A readable listing of translated code, for debugging the translator and tuning the executor
// (`wasm2native run --engine interpreter --dump-translation`).

extension InterpretedModule {
    /// The translated code of every defined function (translating them first), one record a line:
    /// `  12  brIfI32LtS  a=3 b=5 c=7`, with branch targets resolved to record numbers.
    public func disassembly() -> String {
        var text = ""
        for index in module.importedFunctionCount..<module.functionTypes.count {
            let record = header.pointee.records + index
            guard ensureTranslated(record), let code = record.pointee.code else {
                text += "function \(index): not translated\n"
                continue
            }
            let name = functionName(UInt32(index)).map { " \($0)" } ?? ""
            text += "function \(index)\(name): params \(record.pointee.parameterSlots) slots, locals "
                + "\(record.pointee.localSlots), frame \(record.pointee.frameSlots), \(record.pointee.codeCount) records\n"
            var position = 0
            while position < record.pointee.codeCount {
                let inst = code[position]
                var line = Self.pad("  \(position)", 8) + "\(inst.op)"
                line = Self.pad(line, 30) + "a=\(inst.a) b=\(inst.b) c=\(inst.c)"
                if inst.x != 0 { line += " x=\(inst.x)" }
                if Self.isBranch(inst.op) {
                    line += "  -> \(position + 1 + Int(Int32(bitPattern: inst.a)))"
                }
                text += line + "\n"
                if inst.op == .brTable {
                    for entry in 0...Int(inst.b) {
                        let target = position + 1 + Int(Int32(bitPattern: code[position + 1 + entry].a))
                        text += "          [\(entry)] -> \(target)\n"
                    }
                    position += Int(inst.b) + 1
                }
                position += 1
            }
        }
        return text
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    private static func isBranch(_ op: Op) -> Bool {
        op == .br || op == .brIf || op == .brIfNot
            || (op.rawValue >= Op.brIfI32Eq.rawValue && op.rawValue <= Op.brIfI64GeUImm.rawValue)
    }
}
