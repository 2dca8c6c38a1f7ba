import Foundation

/// A group of settings with defaults: a run's configuration, a plug-in's settings, or a nested part
/// of either. Conforming types use the synthesized `Codable`; no type writes its own decoder.
///
/// Every value is built by one rule (``resolved(from:overrides:)``): the JSON encoding of a base
/// value (the defaults, or a recipe's per-task configuration) with JSON layers laid over it in
/// order, key by key. A key the base does not have is an error that names it; a group that is
/// `nil` in the base and set by a layer starts from its own type's defaults, so a layer gives only
/// the keys it changes.
///
/// ```swift
/// let settings = try RAVLSettings.resolved(overrides: [.object(["eta": .number(0.5)])])   // other keys: defaults
/// ```
public protocol DefaultedSettings: Codable, Sendable, Equatable {
    /// The defaults.
    init()
}

extension DefaultedSettings {
    /// `base` (by default ``init()``) with `overrides` laid over it in order.
    /// - Throws: ``SettingsError`` naming an unknown key or a value of the wrong type.
    public static func resolved(from base: Self = Self(), overrides: [JSONValue]) throws(SettingsError) -> Self {
        var tree: SettingsTree
        do { tree = try SettingsTreeEncoder.encode(base) } catch {
            throw .invalidValue(path: "", problem: "cannot encode the base settings (\(error))")
        }
        for layer in overrides {
            tree.value = try SettingsMerge.merge(layer, into: tree.value, path: "", tree: tree)
        }
        return try decode(tree.value)
    }

    /// Settings read from a file this library wrote, perhaps by an earlier version: keys the file
    /// lacks take today's defaults and keys it has that this version does not know are ignored.
    /// - Throws: ``SettingsError`` for a value of the wrong type.
    public static func reading(_ saved: JSONValue) throws(SettingsError) -> Self {
        var tree: SettingsTree
        do { tree = try SettingsTreeEncoder.encode(Self()) } catch {
            throw .invalidValue(path: "", problem: "cannot encode the defaults (\(error))")
        }
        tree.value = try SettingsMerge.merge(saved, into: tree.value, path: "", tree: tree, ignoringUnknownKeys: true)
        return try decode(tree.value)
    }

    /// This value as a complete JSON tree (every property, `nil` ones as `null`): what `config.json`
    /// records and what a resumed run is compared with.
    public var settingsTree: JSONValue {
        // Encoding plain stored settings cannot fail; a type whose encode(to:) throws is a programming error.
        do { return try SettingsTreeEncoder.encode(self).value } catch {
            preconditionFailure("DefaultedSettings: \(Self.self) does not encode: \(error)")
        }
    }

    /// The dotted paths (`sac.critics`) at which this value differs from `saved`, a tree this
    /// library wrote, perhaps by an earlier version: a key `saved` lacks counts as its default (a
    /// setting added since, so an upgrade alone does not strand a run), a key only `saved` has
    /// counts as a change. The rule a resumed run's settings are compared by.
    public func changedSettings(since saved: JSONValue) -> [String] {
        settingsTree.differences(from: saved.addingMissingKeys(from: Self().settingsTree))
    }

    private static func decode(_ value: JSONValue) throws(SettingsError) -> Self {
        do {
            return try value.decode(as: Self.self)
        } catch let error as DecodingError {
            throw SettingsError(error)
        } catch let EncodingError.invalidValue(value, context) {
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw .invalidValue(path: path, problem: "\(value) is not a valid setting (NaN and infinities are not)")
        } catch {
            throw .invalidValue(path: "", problem: "\(error)")
        }
    }
}

/// Why settings could not be built from their layers.
public enum SettingsError: Error, Equatable, CustomStringConvertible {
    /// A layer names a key the settings do not have.
    case unknownKey(path: String, known: [String])
    /// A value has the wrong type or is out of the type's domain.
    case invalidValue(path: String, problem: String)

    public var description: String {
        switch self {
        case let .unknownKey(path, known):
            return "unknown key '\(path)'; known keys here: \(known.joined(separator: ", "))"
        case let .invalidValue(path, problem):
            return path.isEmpty ? problem : "'\(path)': \(problem)"
        }
    }

    /// The path and reason of a decoding failure, without Foundation's debugging noise.
    init(_ error: DecodingError) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(type, context): self = .invalidValue(path: path(context), problem: "expected a value of type \(type)")
        case let .valueNotFound(type, context): self = .invalidValue(path: path(context), problem: "expected a value of type \(type), got null")
        case let .keyNotFound(key, context):
            let parent = path(context)
            self = .invalidValue(path: parent.isEmpty ? key.stringValue : parent + "." + key.stringValue, problem: "missing")
        case let .dataCorrupted(context): self = .invalidValue(path: path(context), problem: context.debugDescription)
        @unknown default: self = .invalidValue(path: "", problem: "\(error)")
        }
    }
}

/// The one merge rule of ``DefaultedSettings``.
enum SettingsMerge {
    static func merge(_ layer: JSONValue, into base: JSONValue, path: String, tree: SettingsTree,
                      ignoringUnknownKeys: Bool = false) throws(SettingsError) -> JSONValue {
        switch (base, layer) {
        case let (.object(fields), .object(changes)):
            var merged = fields
            let open = tree.openPaths.contains(path)
            // An open map's entries (a plug-in's settings) have no schema here: their keys merge
            // freely and the owner checks them when it reads its settings.
            for key in changes.keys.sorted() {
                let child = path.isEmpty ? key : path + "." + key
                guard let current = fields[key] else {
                    if open { merged[key] = changes[key]! } else if !ignoringUnknownKeys {
                        throw .unknownKey(path: child, known: fields.keys.sorted())
                    }
                    continue
                }
                merged[key] = open ? union(changes[key]!, into: current)
                    : try merge(changes[key]!, into: current, path: child, tree: tree, ignoringUnknownKeys: ignoringUnknownKeys)
            }
            return .object(merged)
        case (.null, .object):
            guard let defaults = tree.nullDefaults[path] else { return layer }
            return try merge(layer, into: defaults, path: path, tree: tree, ignoringUnknownKeys: ignoringUnknownKeys)
        default:
            return layer
        }
    }

    /// `layer` over `base` key by key, with no schema: objects merge recursively, anything else is replaced.
    static func union(_ layer: JSONValue, into base: JSONValue) -> JSONValue {
        guard case let .object(fields) = base, case let .object(changes) = layer else { return layer }
        var merged = fields
        for (key, value) in changes { merged[key] = fields[key].map { union(value, into: $0) } ?? value }
        return .object(merged)
    }
}
