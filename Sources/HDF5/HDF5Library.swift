import CHDF5

/// Internal helpers around libhdf5 calls: silencing the error stack and turning it into text.
enum HDF5Library {
    /// Silences libhdf5's automatic error printing on the calling thread. Thread-safe builds
    /// keep one error stack per thread, so every entry point calls this first; it is cheap.
    @inline(__always)
    static func silence() { orl_h5_silence() }

    /// The calling thread's error stack as one line ("function: description; ..."), then cleared.
    static func takeErrorMessage() -> String {
        var buffer = [CChar](repeating: 0, count: 1100)
        buffer.withUnsafeMutableBufferPointer { orl_h5_error_message($0.baseAddress!) }
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.isEmpty ? "libhdf5 reported an error" : text
    }

    /// Closes an identifier of any kind (file, group, dataset, datatype, dataspace, property list).
    static func close(_ id: hid_t) {
        guard id >= 0 else { return }
        switch H5Iget_type(id) {
        case H5I_FILE: H5Fclose(id)
        case H5I_GROUP: H5Gclose(id)
        case H5I_DATASET: H5Dclose(id)
        case H5I_DATATYPE: H5Tclose(id)
        case H5I_DATASPACE: H5Sclose(id)
        case H5I_ATTR: H5Aclose(id)
        case H5I_GENPROP_LST: H5Pclose(id)
        default: break
        }
    }
}

/// Owns one libhdf5 identifier and closes it when the last reference goes away.
final class HDF5Handle: @unchecked Sendable {
    // Sendable: the identifier is immutable and the library build is thread-safe
    // (Debian's libhdf5 is configured with --enable-threadsafe, serializing every call).
    let id: hid_t

    init(_ id: hid_t) { self.id = id }

    deinit {
        HDF5Library.silence()
        HDF5Library.close(id)
    }
}

/// Runs `body` with a temporary identifier that is closed afterwards.
@inline(__always)
func withHDF5ID<R>(_ id: hid_t, _ body: (hid_t) throws -> R) rethrows -> R {
    defer { HDF5Library.close(id) }
    return try body(id)
}
