import CHDF5
import Foundation

/// An open HDF5 file. Its ``root`` group reads and writes datasets, groups and attributes.
///
/// ```swift
/// let file = try HDF5File(path: "checkpoint.h5", mode: .create)
/// try file.root.write(weights, at: "actor/layer0/weight")
/// let back = try HDF5File(path: "checkpoint.h5").root.dataset("actor/layer0/weight").readTensor()
/// ```
///
/// The file closes when the last reference to it and to every group or dataset opened from
/// it is gone, or explicitly with ``close()``.
///
/// Files are reproducible: objects created here record no creation or modification times, so
/// writing the same content in the same order twice gives byte-identical files.
public final class HDF5File: @unchecked Sendable {
    // Sendable: immutable after init; libhdf5 is built thread-safe.

    /// How to open a file.
    public enum Mode: Sendable {
        /// Read only; the file must exist.
        case readOnly
        /// Read and write; the file must exist.
        case readWrite
        /// Create the file, replacing any existing file at the path.
        case create
        /// Create the file; fail if a file exists at the path.
        case createNew
    }

    /// The path the file was opened with (used in error messages).
    public let path: String
    /// The root group `/`.
    public let root: HDF5Group
    private let handle: HDF5Handle

    /// Opens or creates the HDF5 file at `path`.
    ///
    /// - Parameters:
    ///   - path: The file's path.
    ///   - mode: ``Mode/readOnly`` (the default), ``Mode/readWrite``, ``Mode/create`` or ``Mode/createNew``.
    /// - Throws: ``HDF5Error/fileNotFound(file:)`` when reading a missing file,
    ///   ``HDF5Error/notHDF5(file:)`` when the file is not HDF5 or its superblock is truncated,
    ///   ``HDF5Error/cannotOpen(file:reason:)`` for other failures (permissions, an existing file with `.createNew`).
    public init(path: String, mode: Mode = .readOnly) throws {
        HDF5Library.silence()
        self.path = path
        let id: hid_t
        switch mode {
        case .readOnly, .readWrite:
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw HDF5Error.fileNotFound(file: path)
            }
            guard H5Fis_hdf5(path) > 0 else {
                _ = HDF5Library.takeErrorMessage()
                throw HDF5Error.notHDF5(file: path)
            }
            let fapl = H5Pcreate(orl_h5p_file_access())
            defer { H5Pclose(fapl) }
            if mode == .readOnly { H5Pset_file_locking(fapl, false, true) }
            id = H5Fopen(path, mode == .readOnly ? orl_h5f_acc_rdonly() : orl_h5f_acc_rdwr(), fapl)
            if id < 0 {
                let message = HDF5Library.takeErrorMessage()
                if message.contains("truncated") || message.contains("signature") || message.contains("superblock") {
                    throw HDF5Error.notHDF5(file: path)
                }
                throw HDF5Error.cannotOpen(file: path, reason: message)
            }
        case .create, .createNew:
            let fcpl = HDF5CreationProperties.file()
            defer { H5Pclose(fcpl) }
            id = H5Fcreate(path, mode == .create ? orl_h5f_acc_trunc() : orl_h5f_acc_excl(), fcpl, orl_h5p_default())
            if id < 0 { throw HDF5Error.cannotOpen(file: path, reason: HDF5Library.takeErrorMessage()) }
        }
        handle = HDF5Handle(id)
        let rootID = H5Gopen2(id, "/", orl_h5p_default())
        guard rootID >= 0 else {
            throw HDF5Error.corrupt(file: path, key: "/", reason: HDF5Library.takeErrorMessage())
        }
        root = HDF5Group(handle: HDF5Handle(rootID), file: path, key: "")
    }

    /// Writes buffered data to disk without closing the file.
    /// - Throws: ``HDF5Error/writeFailed(file:key:reason:)`` if libhdf5 fails to flush.
    public func flush() throws {
        HDF5Library.silence()
        if H5Fflush(handle.id, H5F_SCOPE_GLOBAL) < 0 {
            throw HDF5Error.writeFailed(file: path, key: "/", reason: HDF5Library.takeErrorMessage())
        }
    }

    /// Flushes the file; it is closed for good once no group or dataset opened from it remains.
    public func close() { try? flush() }
}
