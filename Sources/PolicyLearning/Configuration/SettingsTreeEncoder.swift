/// Encodes a value as a ``JSONValue`` tree in which every stored property appears, `nil` ones as
/// `null` (Foundation's encoder leaves them out). The complete tree is what makes one merge rule
/// possible: a key that is not in the encoded defaults is unknown, and a `null` whose type has
/// defaults (``DefaultedSettings``) can be filled from them (``SettingsTree/nullDefaults``).
struct SettingsTreeEncoder {
    /// Encodes `value`.
    static func encode(_ value: some Encodable) throws -> SettingsTree {
        let context = EncodingContext()
        let root = Slot()
        try value.encode(to: TreeEncoder(slot: root, path: [], context: context))
        return SettingsTree(value: root.json, nullDefaults: context.nullDefaults, openPaths: context.openPaths)
    }
}

/// A settings value as a complete JSON tree, with what the merge rule needs to know about it.
struct SettingsTree {
    /// Every stored property, `nil` ones as `null`.
    var value: JSONValue
    /// The encoded defaults of each `nil` property whose type is ``DefaultedSettings``, by dotted path.
    var nullDefaults: [String: JSONValue]
    /// Paths of open maps (`[String: JSONValue]`, such as `plugIns`), whose keys are not fixed.
    var openPaths: Set<String>
}

private final class EncodingContext {
    var nullDefaults: [String: JSONValue] = [:]
    var openPaths: Set<String> = []
}

/// A node under construction.
private final class Slot {
    enum Content { case empty, value(JSONValue), object([String: Slot]), array([Slot]) }
    var content = Content.empty

    var json: JSONValue {
        switch content {
        case .empty: return .null
        case let .value(value): return value
        case let .object(children): return .object(children.mapValues(\.json))
        case let .array(children): return .array(children.map(\.json))
        }
    }
}

private func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

/// Encodes `value` into `slot`: numbers, strings and booleans directly, anything else through its
/// own `encode(to:)`. Generic code (arrays, dictionaries) reaches here with concrete types erased.
private func encodeValue<T: Encodable>(_ value: T, into slot: Slot, path: [String], context: EncodingContext) throws {
    switch value {
    case let v as Bool: slot.content = .value(.bool(v))
    case let v as String: slot.content = .value(.string(v))
    case let v as Double: slot.content = .value(.number(v))
    case let v as Float: slot.content = .value(.number(Double(v)))
    case let v as Int: slot.content = .value(.number(Double(v)))
    case let v as UInt64: slot.content = .value(.number(Double(v)))
    case let v as Int64: slot.content = .value(.number(Double(v)))
    case let v as UInt32: slot.content = .value(.number(Double(v)))
    case let v as Int32: slot.content = .value(.number(Double(v)))
    case let v as JSONValue: slot.content = .value(v)
    default:
        if value is [String: JSONValue] { context.openPaths.insert(dotted(path)) }
        try value.encode(to: TreeEncoder(slot: slot, path: path, context: context))
    }
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let path: [String]
    let context: EncodingContext
    var codingPath: [any CodingKey] { path.map(PathKey.init) }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = slot.content {} else { slot.content = .object([:]) }
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(slot: slot, path: path, context: context))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = slot.content {} else { slot.content = .array([]) }
        return UnkeyedTreeContainer(slot: slot, path: path, context: context)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(slot: slot, path: path, context: context)
    }
}

private struct PathKey: CodingKey {
    var stringValue: String
    var intValue: Int? { Int(stringValue) }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}

private struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let path: [String]
    let context: EncodingContext
    var codingPath: [any CodingKey] { path.map(PathKey.init) }

    private func child(_ key: Key) -> Slot {
        guard case var .object(children) = slot.content else { preconditionFailure("SettingsTreeEncoder: not an object") }
        let node = Slot()
        children[key.stringValue] = node
        slot.content = .object(children)
        return node
    }

    mutating func encodeNil(forKey key: Key) throws { child(key).content = .value(.null) }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encodeValue(value, into: child(key), path: path + [key.stringValue], context: context)
    }

    /// `nil` is written as `null`, and the defaults of a ``DefaultedSettings`` type are noted so
    /// that a partial override of an absent group starts from them.
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws {
        guard let value else {
            child(key).content = .value(.null)
            if let defaulted = T.self as? any DefaultedSettings.Type {
                context.nullDefaults[dotted(path + [key.stringValue])] = try SettingsTreeEncoder.encode(defaulted.init()).value
            }
            return
        }
        try encode(value, forKey: key)
    }

    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try encodeOptional(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try encodeOptional(value, key) }

    private mutating func encodeOptional<T: Encodable>(_ value: T?, _ key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(slot: child(key), path: path + [key.stringValue], context: context).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: child(key), path: path + [key.stringValue], context: context).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: child(Key(stringValue: "super")!), path: path + ["super"], context: context) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: child(key), path: path + [key.stringValue], context: context)
    }
}

private struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let path: [String]
    let context: EncodingContext
    var codingPath: [any CodingKey] { path.map(PathKey.init) }
    var count: Int {
        if case let .array(children) = slot.content { return children.count }
        return 0
    }

    private func append() -> Slot {
        guard case var .array(children) = slot.content else { preconditionFailure("SettingsTreeEncoder: not an array") }
        let node = Slot()
        children.append(node)
        slot.content = .array(children)
        return node
    }

    mutating func encodeNil() throws { append().content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try encodeValue(value, into: append(), path: path + [String(count)], context: context)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(slot: append(), path: path + [String(count)], context: context).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: append(), path: path + [String(count)], context: context).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: append(), path: path, context: context) }
}

private struct SingleTreeContainer: SingleValueEncodingContainer {
    let slot: Slot
    let path: [String]
    let context: EncodingContext
    var codingPath: [any CodingKey] { path.map(PathKey.init) }

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encodeValue(value, into: slot, path: path, context: context) }
}
