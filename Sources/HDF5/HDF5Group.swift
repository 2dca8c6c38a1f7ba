import CHDF5

/// What a key inside an HDF5 file names.
public enum HDF5ObjectKind: String, Sendable {
    case group, dataset
}

/// A group inside an HDF5 file: a folder of datasets and groups addressed by `/`-separated keys
/// such as `"infos/qpos"` or `"actor/layer0/weight"`.
public final class HDF5Group: @unchecked Sendable {
    // Sendable: immutable after init; libhdf5 is built thread-safe.
    let handle: HDF5Handle
    /// The file's path, for error messages.
    public let file: String
    /// The group's path from the root, without a leading `/` (empty for the root).
    public let key: String

    init(handle: HDF5Handle, file: String, key: String) {
        self.handle = handle
        self.file = file
        self.key = key
    }

    /// The full key of a child, relative to the root (used in error messages).
    func fullKey(_ child: String) -> String {
        let trimmed = child.hasPrefix("/") ? String(child.dropFirst()) : child
        return key.isEmpty ? trimmed : key + "/" + trimmed
    }

    /// The names of this group's direct children (datasets and groups), sorted by name.
    /// - Throws: ``HDF5Error/corrupt(file:key:reason:)`` if the group's link table cannot be read.
    public func children() throws -> [String] {
        HDF5Library.silence()
        var info = H5G_info_t()
        guard H5Gget_info(handle.id, &info) >= 0 else {
            throw HDF5Error.corrupt(file: file, key: key.isEmpty ? "/" : key, reason: HDF5Library.takeErrorMessage())
        }
        var names = [String]()
        names.reserveCapacity(Int(info.nlinks))
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, orl_h5p_default())
            guard length >= 0, length < 1 << 16 else {
                throw HDF5Error.corrupt(file: file, key: key.isEmpty ? "/" : key, reason: HDF5Library.takeErrorMessage())
            }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            _ = H5Lget_name_by_idx(handle.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, Int(length) + 1,
                                   orl_h5p_default())
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names
    }

    /// What `key` names, or nil when nothing exists there (or an intermediate is not a group).
    public func kind(of key: String) -> HDF5ObjectKind? {
        HDF5Library.silence()
        let parts = key.split(separator: "/").map(String.init)
        guard !parts.isEmpty else { return .group }
        var prefix = ""
        for part in parts {
            prefix = prefix.isEmpty ? part : prefix + "/" + part
            if H5Lexists(handle.id, prefix, orl_h5p_default()) <= 0 {
                _ = HDF5Library.takeErrorMessage()
                return nil
            }
        }
        let object = H5Oopen(handle.id, key, orl_h5p_default())
        guard object >= 0 else {
            _ = HDF5Library.takeErrorMessage()
            return nil
        }
        defer { H5Oclose(object) }
        switch H5Iget_type(object) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        default: return nil
        }
    }

    /// Whether a dataset or group exists at `key`.
    public func contains(_ key: String) -> Bool { kind(of: key) != nil }

    /// Every dataset below this group, as keys relative to it (`"infos/qpos"`), sorted.
    /// - Throws: ``HDF5Error/corrupt(file:key:reason:)`` if a group cannot be listed.
    public func datasetKeys() throws -> [String] {
        var result = [String]()
        for name in try children() {
            switch kind(of: name) {
            case .dataset?: result.append(name)
            case .group?: result += try group(name).datasetKeys().map { name + "/" + $0 }
            case nil: break
            }
        }
        return result
    }

    /// Keys present, for a ``HDF5Error/missingKey(file:key:available:)`` message.
    func availableKeys() -> [String] { ((try? datasetKeys()) ?? []).map(fullKey) }

    /// Opens the group at `key`.
    /// - Throws: ``HDF5Error/missingKey(file:key:available:)`` or ``HDF5Error/wrongKind(file:key:expected:found:)``.
    public func group(_ key: String) throws -> HDF5Group {
        switch kind(of: key) {
        case nil: throw HDF5Error.missingKey(file: file, key: fullKey(key), available: availableKeys())
        case .dataset?: throw HDF5Error.wrongKind(file: file, key: fullKey(key), expected: "group", found: "dataset")
        case .group?: break
        }
        HDF5Library.silence()
        let id = H5Gopen2(handle.id, key, orl_h5p_default())
        guard id >= 0 else { throw HDF5Error.corrupt(file: file, key: fullKey(key), reason: HDF5Library.takeErrorMessage()) }
        return HDF5Group(handle: HDF5Handle(id), file: file, key: fullKey(key))
    }

    /// Opens the group at `key`, creating it and any missing parents first.
    /// - Throws: ``HDF5Error/wrongKind(file:key:expected:found:)`` if a dataset is in the way,
    ///   ``HDF5Error/writeFailed(file:key:reason:)`` if creation fails.
    @discardableResult
    public func createGroup(_ key: String) throws -> HDF5Group {
        switch kind(of: key) {
        case .group?: return try group(key)
        case .dataset?: throw HDF5Error.wrongKind(file: file, key: fullKey(key), expected: "group", found: "dataset")
        case nil: break
        }
        // Parents one at a time: libhdf5's own intermediate groups would use the default
        // (time-tracking) creation properties.
        var prefix = ""
        for part in key.split(separator: "/") {
            prefix = prefix.isEmpty ? String(part) : prefix + "/" + part
            switch kind(of: prefix) {
            case .group?: continue
            case .dataset?: throw HDF5Error.wrongKind(file: file, key: fullKey(prefix), expected: "group", found: "dataset")
            case nil: break
            }
            HDF5Library.silence()
            let gcpl = HDF5CreationProperties.group()
            defer { H5Pclose(gcpl) }
            let id = H5Gcreate2(handle.id, prefix, orl_h5p_default(), gcpl, orl_h5p_default())
            guard id >= 0 else {
                throw HDF5Error.writeFailed(file: file, key: fullKey(prefix), reason: HDF5Library.takeErrorMessage())
            }
            H5Gclose(id)
        }
        return try group(key)
    }

    /// Opens the dataset at `key`.
    /// - Throws: ``HDF5Error/missingKey(file:key:available:)`` (listing the datasets present),
    ///   ``HDF5Error/wrongKind(file:key:expected:found:)``, or ``HDF5Error/corrupt(file:key:reason:)``.
    public func dataset(_ key: String) throws -> HDF5Dataset {
        switch kind(of: key) {
        case nil: throw HDF5Error.missingKey(file: file, key: fullKey(key), available: availableKeys())
        case .group?: throw HDF5Error.wrongKind(file: file, key: fullKey(key), expected: "dataset", found: "group")
        case .dataset?: break
        }
        HDF5Library.silence()
        let id = H5Dopen2(handle.id, key, orl_h5p_default())
        guard id >= 0 else { throw HDF5Error.corrupt(file: file, key: fullKey(key), reason: HDF5Library.takeErrorMessage()) }
        return try HDF5Dataset(handle: HDF5Handle(id), file: file, key: fullKey(key))
    }

    /// Removes the link at `key` (the space is reclaimed only when the file is rewritten).
    /// - Throws: ``HDF5Error/missingKey(file:key:available:)`` or ``HDF5Error/writeFailed(file:key:reason:)``.
    public func remove(_ key: String) throws {
        guard contains(key) else { throw HDF5Error.missingKey(file: file, key: fullKey(key), available: availableKeys()) }
        HDF5Library.silence()
        if H5Ldelete(handle.id, key, orl_h5p_default()) < 0 {
            throw HDF5Error.writeFailed(file: file, key: fullKey(key), reason: HDF5Library.takeErrorMessage())
        }
    }
}
