import Foundation

/// A JSON value, so a configuration can carry the settings of plug-in modules it does not know
/// (MOREC, RAVL, Lipschitz critics) and still round-trip through `config.json` and checkpoints.
public enum JSONValue: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case let .bool(value): try container.encode(value)
        case let .number(value): try container.encode(value)
        case let .string(value): try container.encode(value)
        case let .array(value): try container.encode(value)
        case let .object(value): try container.encode(value)
        }
    }

    /// `value` encoded as JSON and read back as a ``JSONValue``.
    public init(encoding value: some Encodable) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    /// This value decoded as `type`.
    public func decode<T: Decodable>(as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(self))
    }
}

extension JSONValue {
    /// The dotted key paths at which `self` and `other` differ (`sac.critics`, `plugIns.ravl.eta`),
    /// so an error can name what changed rather than only that something did.
    public func differences(from other: JSONValue, at path: String = "") -> [String] {
        switch (self, other) {
        case let (.object(a), .object(b)):
            return Set(a.keys).union(b.keys).sorted().flatMap { key in
                let child = path.isEmpty ? key : "\(path).\(key)"
                return (a[key] ?? .null).differences(from: b[key] ?? .null, at: child)
            }
        default:
            return self == other ? [] : [path.isEmpty ? "(the whole value)" : path]
        }
    }

    /// `self` with every key of `defaults` it lacks added with the default's value, at every depth
    /// where both are objects: a tree written before a setting existed, read as today's version
    /// reads it. Keys only `self` has are kept.
    public func addingMissingKeys(from defaults: JSONValue) -> JSONValue {
        guard case var .object(mine) = self, case let .object(theirs) = defaults else { return self }
        for (key, value) in theirs {
            mine[key] = mine[key].map { $0.addingMissingKeys(from: value) } ?? value
        }
        return .object(mine)
    }
}
