import Foundation

/// A Gymnasium `Box` space as Minari serializes it in `metadata.json` (`minari/serialization.py`):
/// the JSON text `{"type": "Box", "dtype": "float64", "shape": [11], "low": [...], "high": [...]}`,
/// written by Python's `json.dumps`, so unbounded entries are the bare tokens `-Infinity` and
/// `Infinity` (not valid JSON; ``init(serialized:file:key:)`` accepts them).
public struct MinariBoxSpace: Sendable, Equatable {
    /// NumPy's dtype name (`float64`, `float32`).
    public var dtype: String
    /// The shape of one element (`[11]`).
    public var shape: [Int]
    /// Lower bounds, flattened; `-infinity` where unbounded.
    public var low: [Double]
    /// Upper bounds, flattened; `+infinity` where unbounded.
    public var high: [Double]

    /// Creates a space.
    public init(dtype: String, shape: [Int], low: [Double], high: [Double]) {
        self.dtype = dtype
        self.shape = shape
        self.low = low
        self.high = high
    }

    /// An unbounded float64 vector space, as Gymnasium's MuJoCo observation spaces.
    public static func unbounded(_ dimension: Int, dtype: String = "float64") -> MinariBoxSpace {
        MinariBoxSpace(dtype: dtype, shape: [dimension], low: Array(repeating: -.infinity, count: dimension),
                       high: Array(repeating: .infinity, count: dimension))
    }

    /// `[-bound, bound]` in every entry (float32, as Gymnasium's MuJoCo action spaces).
    public static func symmetric(_ dimension: Int, bound: Double, dtype: String = "float32") -> MinariBoxSpace {
        MinariBoxSpace(dtype: dtype, shape: [dimension], low: Array(repeating: -bound, count: dimension),
                       high: Array(repeating: bound, count: dimension))
    }

    /// The number of scalars in one element.
    public var dimension: Int { shape.reduce(1, *) }

    /// `b` when every entry is bounded by the same finite `[-b, b]`, else nil.
    public var symmetricBound: Double? {
        guard let b = high.first, b.isFinite, high.allSatisfy({ $0 == b }), low.allSatisfy({ $0 == -b }) else { return nil }
        return b
    }

    /// Parses Minari's serialization.
    /// - Parameters:
    ///   - serialized: The space's JSON text.
    ///   - file: The metadata file, for messages.
    ///   - key: `observation_space` or `action_space`, for messages.
    /// - Throws: ``OfflineDataError/badMetadata(file:reason:)`` when it is not a `Box` (Minari
    ///   also writes `Discrete`, `Dict`, `Tuple`, `Text`, ...) or a field is missing.
    public init(serialized: String, file: String, key: String) throws {
        let object = try MinariJSON.object(serialized, file: file, what: key)
        guard let type = object["type"] as? String else {
            throw OfflineDataError.badMetadata(file: file, reason: "'\(key)' has no 'type'")
        }
        guard type == "Box" else {
            throw OfflineDataError.badMetadata(
                file: file, reason: "'\(key)' is a \(type) space; only Box (vector) spaces can be read as transitions")
        }
        guard let dtype = object["dtype"] as? String, let shape = object["shape"] as? [Int] else {
            throw OfflineDataError.badMetadata(file: file, reason: "'\(key)': a Box needs 'dtype' and 'shape'")
        }
        let count = shape.reduce(1, *)
        // Bare -Infinity/Infinity arrive as strings (MinariJSON); a scalar bound fills every entry.
        func bounds(_ name: String, unbounded: Double) throws -> [Double] {
            func number(_ value: Any) -> Double? {
                if let text = value as? String { return text == "-Infinity" ? -.infinity : text == "Infinity" ? .infinity : nil }
                return (value as? NSNumber)?.doubleValue
            }
            if let list = object[name] as? [Any] {
                let values = Self.flatten(list).map(number)
                guard values.count == count, values.allSatisfy({ $0 != nil }) else {
                    throw OfflineDataError.badMetadata(file: file, reason: "'\(key)'.\(name) does not hold \(count) numbers")
                }
                return values.map { $0! }
            }
            if let value = object[name].flatMap(number) { return Array(repeating: value, count: count) }
            return Array(repeating: unbounded, count: count)
        }
        self.init(dtype: dtype, shape: shape, low: try bounds("low", unbounded: -.infinity),
                  high: try bounds("high", unbounded: .infinity))
    }

    /// The text Minari's `serialize_space` writes (`json.dumps` with Python's number spelling).
    public var serialized: String {
        func number(_ x: Double) -> String {
            if x.isNaN { return "NaN" }
            if x.isInfinite { return x < 0 ? "-Infinity" : "Infinity" }
            return x == x.rounded() && abs(x) < 1e16 ? String(format: "%.1f", x) : "\(x)"
        }
        func list(_ values: [Double]) -> String { "[" + values.map(number).joined(separator: ", ") + "]" }
        return "{\"type\": \"Box\", \"dtype\": \"\(dtype)\", \"shape\": [\(shape.map(String.init).joined(separator: ", "))], "
            + "\"low\": \(list(low)), \"high\": \(list(high))}"
    }

    private static func flatten(_ list: [Any]) -> [Any] {
        list.flatMap { ($0 as? [Any]).map(flatten) ?? [$0] }
    }
}

/// Python's `json` output, which may hold the bare tokens `NaN`, `Infinity` and `-Infinity`.
enum MinariJSON {
    /// Parses a JSON object, reading bare `NaN`/`Infinity`/`-Infinity` as the strings `"NaN"`,
    /// `"Infinity"`, `"-Infinity"`.
    static func object(_ text: String, file: String, what: String) throws -> [String: Any] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(quotingNonFiniteTokens(text).utf8), options: [.fragmentsAllowed])
        } catch {
            throw OfflineDataError.badMetadata(file: file, reason: "\(what) is not JSON: \(error.localizedDescription)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw OfflineDataError.badMetadata(file: file, reason: "\(what) is not a JSON object")
        }
        return dictionary
    }

    /// Wraps the non-finite tokens that occur outside strings in quotes.
    static func quotingNonFiniteTokens(_ text: String) -> String {
        var out = "", inString = false, escaped = false
        var rest = Substring(text)
        while let c = rest.first {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                rest = rest.dropFirst()
                continue
            }
            if c == "\"" { inString = true }
            if let token = ["-Infinity", "Infinity", "NaN"].first(where: { rest.hasPrefix($0) }) {
                out += "\"\(token)\""
                rest = rest.dropFirst(token.count)
                continue
            }
            out.append(c)
            rest = rest.dropFirst()
        }
        return out
    }
}
