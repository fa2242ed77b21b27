// Deterministic mutation of module binaries.
//
// A variant is made from one base module (and, for splices, a second one) with a generator seeded
// from (run seed, variant number). Byte-level mutations pick a target first: half of the time a
// function body (so the damage reaches the instruction decoder and validator instead of failing
// the body-size check), a quarter a whole section's content, a quarter the raw file. Sizes of the
// enclosing body and section are re-encoded to fit, except for raw-file targets (and, for section
// targets, one time in four), so size mismatches are exercised too.

/// Makes mutated variants of modules.
package struct Mutator: Sendable {
    /// The modules to start from.
    package var bases: [[UInt8]]

    /// Creates a mutator over non-empty `bases`.
    package init(bases: [[UInt8]]) {
        precondition(!bases.isEmpty, "no base modules")
        self.bases = bases
    }

    /// A variant: its bytes, the mutation applied, and the base module it started from.
    package struct Variant: Sendable {
        /// The mutated module.
        package var bytes: [UInt8]
        /// How it was mutated.
        package var kind: MutationKind
        /// The index of the base module in `bases`.
        package var base: Int
    }

    /// Variant number `index` of the run seeded with `seed`.
    package func variant(seed: UInt64, index: UInt64) -> Variant {
        var random = SplitMix64(seed: SplitMix64.derive(seed: seed, index: index))
        let kind = MutationKind.allCases[random.below(MutationKind.allCases.count)]
        let base = random.below(bases.count)
        var bytes = bases[base]
        switch kind {
        case .bitFlip, .byteSet, .overlongLEB, .insertHugeLEB, .hugeCount, .insertBytes, .deleteBytes:
            bytes = mutateTarget(bytes, kind: kind, random: &random)
        case .truncate:
            bytes = Array(bytes.prefix(random.below(max(bytes.count, 1))))
        case .duplicateSection, .swapSections, .dropSection:
            bytes = mutateSections(bytes, kind: kind, random: &random)
        case .splice:
            bytes = splice(bytes, bases[random.below(bases.count)], random: &random)
        }
        return Variant(bytes: bytes, kind: kind, base: base)
    }

    // MARK: - Targets

    private func mutateTarget(_ bytes: [UInt8], kind: MutationKind, random: inout SplitMix64) -> [UInt8] {
        var module = WasmSections(bytes)
        let roll = random.below(4)
        if roll < 2, let code = module.codeSectionIndex, var bodies = CodeBodies(module.sections[code].content),
            !bodies.bodies.isEmpty
        {
            let body = random.below(bodies.bodies.count)
            bodies.bodies[body] = Self.mutateBytes(bodies.bodies[body], kind: kind, random: &random)
            module.sections[code].content = bodies.content
            return module.bytes
        }
        if roll < 3, !module.sections.isEmpty {
            let section = random.below(module.sections.count)
            if kind == .hugeCount || kind == .overlongLEB, random.chance(1, in: 3) {
                return Self.mutateSectionSize(bytes, module: module, section: section, kind: kind, random: &random)
            }
            let oldSize = UInt64(module.sections[section].content.count)
            module.sections[section].content = Self.mutateBytes(
                module.sections[section].content, kind: kind, random: &random)
            if random.chance(1, in: 4) {
                // Keep the old size: the section now ends early or late.
                return Self.serialize(module, size: (section, MutationLEB.encode(oldSize)))
            }
            return module.bytes
        }
        return Self.mutateBytes(bytes, kind: kind, random: &random)
    }

    /// Rewrites the size field of one section: overlong, or huge.
    private static func mutateSectionSize(
        _ bytes: [UInt8], module: WasmSections, section: Int, kind: MutationKind, random: inout SplitMix64
    ) -> [UInt8] {
        let size = UInt64(module.sections[section].content.count)
        let field =
            kind == .overlongLEB
            ? MutationLEB.encode(size, minimumLength: MutationLEB.encode(size).count + random.next(in: 1...6))
            : hugeLEB(random: &random)
        return serialize(module, size: (section, field))
    }

    /// The module bytes with minimal sizes, except that section `size.index` gets the size field `size.field`.
    private static func serialize(_ module: WasmSections, size: (index: Int, field: [UInt8])) -> [UInt8] {
        var result = module.header
        for (index, entry) in module.sections.enumerated() {
            result.append(entry.id)
            result += index == size.index ? size.field : MutationLEB.encode(UInt64(entry.content.count))
            result += entry.content
        }
        return result + module.tail
    }

    // MARK: - Byte-level mutations of one region

    private static let boundaryBytes: [UInt8] = [
        0x00, 0x01, 0x40, 0x41, 0x7f, 0x80, 0x81, 0xfe, 0xff, 0x0b, 0x60, 0x70, 0x7b,
    ]

    static func mutateBytes(_ region: [UInt8], kind: MutationKind, random: inout SplitMix64) -> [UInt8] {
        var bytes = region
        switch kind {
        case .bitFlip:
            guard !bytes.isEmpty else { return [random.byte()] }
            for _ in 0..<random.next(in: 1...4) {
                bytes[random.below(bytes.count)] ^= 1 << UInt8(random.below(8))
            }
        case .byteSet:
            guard !bytes.isEmpty else { return [random.pick(boundaryBytes)] }
            for _ in 0..<random.next(in: 1...4) {
                bytes[random.below(bytes.count)] = random.chance(1, in: 2) ? random.pick(boundaryBytes) : random.byte()
            }
        case .overlongLEB:
            // The LEB at a random offset (any byte starts one); the region start is often a count.
            let offset = random.chance(1, in: 2) || bytes.isEmpty ? 0 : random.below(bytes.count)
            guard let leb = MutationLEB.read(bytes, at: offset) else { return bytes }
            let longer = MutationLEB.encode(leb.value & 0xffff_ffff, minimumLength: leb.length + random.next(in: 1...6))
            bytes.replaceSubrange(offset..<offset + leb.length, with: longer)
        case .insertHugeLEB:
            bytes.insert(contentsOf: [0xff, 0xff, 0xff, 0xff, 0x0f], at: random.below(bytes.count + 1))
        case .hugeCount:
            let offset = random.chance(2, in: 3) || bytes.isEmpty ? 0 : random.below(bytes.count)
            let length = MutationLEB.read(bytes, at: offset)?.length ?? 0
            bytes.replaceSubrange(offset..<offset + length, with: hugeLEB(random: &random))
        case .insertBytes:
            var inserted: [UInt8] = []
            for _ in 0..<random.next(in: 1...8) {
                inserted.append(random.chance(1, in: 2) ? random.pick(boundaryBytes) : random.byte())
            }
            bytes.insert(contentsOf: inserted, at: random.below(bytes.count + 1))
        case .deleteBytes:
            guard !bytes.isEmpty else { return bytes }
            let start = random.below(bytes.count)
            bytes.removeSubrange(start..<min(bytes.count, start + random.next(in: 1...8)))
        case .truncate, .duplicateSection, .swapSections, .dropSection, .splice:
            break
        }
        return bytes
    }

    /// A huge u32 as LEB128: 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x10000000, 0xFFFFFFF0 or 2^20 + random.
    static func hugeLEB(random: inout SplitMix64) -> [UInt8] {
        let values: [UInt64] = [0xffff_ffff, 0x7fff_ffff, 0x8000_0000, 0x1000_0000, 0xffff_fff0, 0x0010_0000]
        var value = random.pick(values)
        if value == 0x0010_0000 { value += UInt64(random.below(1 << 20)) }
        return MutationLEB.encode(value)
    }

    // MARK: - Section-level mutations

    private func mutateSections(_ bytes: [UInt8], kind: MutationKind, random: inout SplitMix64) -> [UInt8] {
        var module = WasmSections(bytes)
        let count = module.sections.count
        guard count > 0 else { return Self.mutateBytes(bytes, kind: .bitFlip, random: &random) }
        switch kind {
        case .duplicateSection:
            let section = module.sections[random.below(count)]
            let position =
                random.chance(1, in: 2)
                ? module.sections.firstIndex { $0.id == section.id }! + 1
                : random.below(count + 1)
            module.sections.insert(section, at: position)
        case .swapSections:
            guard count > 1 else { return module.bytes }
            let first = random.below(count)
            var second = random.below(count - 1)
            if second >= first { second += 1 }
            module.sections.swapAt(first, second)
        case .dropSection:
            module.sections.remove(at: random.below(count))
        default:
            break
        }
        return module.bytes
    }

    private func splice(_ first: [UInt8], _ second: [UInt8], random: inout SplitMix64) -> [UInt8] {
        if random.chance(1, in: 2) {
            let a = WasmSections(first)
            let b = WasmSections(second)
            let prefix = random.below(a.sections.count + 1)
            let suffix = random.below(b.sections.count + 1)
            var module = a
            module.sections = Array(a.sections.prefix(prefix)) + Array(b.sections.suffix(from: suffix))
            module.tail = b.tail
            return module.bytes
        }
        let cut = random.below(first.count + 1)
        let resume = random.below(second.count + 1)
        return Array(first.prefix(cut)) + Array(second.suffix(from: resume))
    }
}
