// A monotonic nanosecond clock (clock_gettime(CLOCK_MONOTONIC)), used for the per-module time
// limit, the mutation run and `bench-validate`.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Monotonic time in nanoseconds.
package enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point; never goes backwards.
    package static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds elapsed since `start` (a value of `now()`).
    package static func seconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1e9
    }
}
