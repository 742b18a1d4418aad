/// Integer arithmetic that stops at `Int.min`/`Int.max` instead of trapping, for numbers that came from outside
/// (a request's `skip`, an answer's `total`).
public enum Saturating {
    @inline(__always)
    public static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    @inline(__always)
    public static func subtract(_ a: Int, _ b: Int) -> Int {
        let (difference, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b < 0 ? .max : .min) : difference
    }
}
