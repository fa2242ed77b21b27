// A seeded pseudo-random generator whose sequence this project controls, so a seed and a variant
// number reproduce a mutation on any machine and toolchain.

/// SplitMix64 (Steele, Lea, Flood 2014): one 64-bit state, a Weyl step and a mixing function.
package struct SplitMix64: Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    package init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return mixed ^ (mixed >> 31)
    }

    /// A number in `0..<bound` (`bound` > 0), by multiply-shift (bias below 2^-32 for the bounds used here).
    package mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        return Int((UInt128(next()) &* UInt128(bound)) >> 64)
    }

    /// A number in `range`.
    package mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.count)
    }

    /// True with probability `numerator / denominator`.
    package mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        below(denominator) < numerator
    }

    /// A random byte.
    package mutating func byte() -> UInt8 {
        UInt8(truncatingIfNeeded: next())
    }

    /// A random element of a non-empty array.
    package mutating func pick<Element>(_ elements: [Element]) -> Element {
        elements[below(elements.count)]
    }

    /// The seed of variant `index` of a run seeded with `seed`: each variant gets its own stream, so
    /// one variant can be regenerated without the ones before it.
    package static func derive(seed: UInt64, index: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (index &* 0xd1b5_4a32_d192_ed03))
        return generator.next()
    }
}
