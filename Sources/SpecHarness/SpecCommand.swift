// The JSON that `wasm-tools json-from-wast` writes: a script of commands, one per top-level `.wast`
// form, each with its line. The format follows WABT's wast2json
// (<https://github.com/WebAssembly/wabt/blob/main/docs/wast2json.md>).

import Foundation

/// A converted `.wast` file.
package struct SpecScript: Decodable, Sendable {
    /// The `.wast` it came from.
    package var sourceFilename: String
    /// Its commands in order.
    package var commands: [SpecCommand]

    enum CodingKeys: String, CodingKey {
        case sourceFilename = "source_filename"
        case commands
    }

    /// Reads and decodes a JSON script.
    package static func load(_ url: URL) throws(SpecHarnessError) -> SpecScript {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpecHarnessError("cannot read \(url.path)")
        }
        do {
            return try JSONDecoder().decode(SpecScript.self, from: data)
        } catch {
            throw SpecHarnessError("cannot decode \(url.path): \(error)")
        }
    }
}

/// One command of a script.
package struct SpecCommand: Decodable, Sendable {
    /// The command types of the format.
    package enum Kind: String, Sendable, CaseIterable {
        case module
        case moduleDefinition = "module_definition"
        case moduleInstance = "module_instance"
        case register
        case action
        case assertReturn = "assert_return"
        case assertTrap = "assert_trap"
        case assertExhaustion = "assert_exhaustion"
        case assertException = "assert_exception"
        case assertInvalid = "assert_invalid"
        case assertMalformed = "assert_malformed"
        case assertUnlinkable = "assert_unlinkable"
        case assertUninstantiable = "assert_uninstantiable"
        /// A type this harness does not know; reported as a failure so it is not silently lost.
        case unknown
    }

    /// How a module is given.
    package enum ModuleType: String, Decodable, Sendable {
        /// A `.wasm` file (text modules wasm-tools could encode are written as binaries too).
        case binary
        /// A `.wat` file: `(module quote ...)`, kept as text.
        case text
    }

    /// The command type.
    package var kind: Kind
    /// The `type` string as written (differs from `kind.rawValue` only for `.unknown`).
    package var typeName: String
    /// The line of the command in the `.wast`.
    package var line: Int
    /// The module file, for commands that carry a module.
    package var filename: String?
    /// Binary or text.
    package var moduleType: ModuleType?
    /// For a text module that wasm-tools could also encode: the encoded binary.
    package var binaryFilename: String?
    /// The expected message of an assertion (`"type mismatch"`).
    package var text: String?
    /// `module`/`module_definition`: the module's `$name`; `register`: the module registered.
    package var name: String?
    /// `register`: the import namespace it is registered as.
    package var registeredAs: String?
    /// `module_instance`: the module definition instantiated.
    package var module: String?
    /// `module_instance`: the instance's name.
    package var instance: String?
    /// The invocation or global read of an action or assertion.
    package var action: SpecAction?
    /// `assert_return`: the expected results.
    package var expected: [SpecValue]?

    enum CodingKeys: String, CodingKey {
        case type, line, filename, text, name, module, instance, action, expected
        case moduleType = "module_type"
        case binaryFilename = "binary_filename"
        case registeredAs = "as"
    }

    /// Decodes one command.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        typeName = try container.decode(String.self, forKey: .type)
        kind = Kind(rawValue: typeName) ?? .unknown
        line = try container.decode(Int.self, forKey: .line)
        filename = try container.decodeIfPresent(String.self, forKey: .filename)
        moduleType = try container.decodeIfPresent(ModuleType.self, forKey: .moduleType)
        binaryFilename = try container.decodeIfPresent(String.self, forKey: .binaryFilename)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        registeredAs = try container.decodeIfPresent(String.self, forKey: .registeredAs)
        module = try container.decodeIfPresent(String.self, forKey: .module)
        instance = try container.decodeIfPresent(String.self, forKey: .instance)
        action = try container.decodeIfPresent(SpecAction.self, forKey: .action)
        expected = try container.decodeIfPresent([SpecValue].self, forKey: .expected)
    }

    /// Creates a command directly (tests).
    package init(kind: Kind, line: Int, filename: String? = nil, moduleType: ModuleType? = nil, text: String? = nil) {
        self.kind = kind
        typeName = kind.rawValue
        self.line = line
        self.filename = filename
        self.moduleType = moduleType
        self.text = text
    }
}

/// An `invoke` or `get` of an export.
package struct SpecAction: Decodable, Sendable {
    /// `invoke` or `get`.
    package var type: String
    /// The module (by `$name`) whose export is used; `nil` means the most recent module.
    package var module: String?
    /// The export name.
    package var field: String
    /// Arguments of an `invoke`.
    package var args: [SpecValue]?
}

/// A typed value: an argument or an expected result.
package struct SpecValue: Decodable, Sendable {
    /// The written form of the value.
    package enum Payload: Sendable, Equatable {
        /// A number (decimal string of the bit pattern), `nan:canonical`, `nan:arithmetic`, `null`, ...
        case scalar(String)
        /// The lanes of a `v128`.
        case lanes([String])
    }

    /// `i32`, `f64`, `v128`, `funcref`, `externref`, `either`, ...
    package var type: String
    /// The lane type of a `v128` (`i8`, ..., `f64`).
    package var laneType: String?
    /// The value; absent for some reference results (`(ref.func)`).
    package var value: Payload?
    /// The alternatives of an `either` result.
    package var values: [SpecValue]?

    enum CodingKeys: String, CodingKey {
        case type, value, values
        case laneType = "lane_type"
    }

    /// Decodes one value.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        laneType = try container.decodeIfPresent(String.self, forKey: .laneType)
        values = try container.decodeIfPresent([SpecValue].self, forKey: .values)
        if let scalar = try? container.decodeIfPresent(String.self, forKey: .value) {
            value = .scalar(scalar)
        } else if let lanes = try? container.decodeIfPresent([String].self, forKey: .value) {
            value = .lanes(lanes)
        } else {
            value = nil
        }
    }
}
