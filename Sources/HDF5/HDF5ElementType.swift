import CHDF5

/// The element type of an HDF5 dataset or attribute, as this library classifies it.
///
/// Booleans follow h5py's convention: an enum over int8 with members `FALSE = 0`, `TRUE = 1`.
public enum HDF5ElementType: Hashable, Sendable, CustomStringConvertible {
    case float32, float64
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    /// h5py's boolean: enum(int8) {FALSE = 0, TRUE = 1}.
    case bool
    /// A fixed-length or variable-length string.
    case string
    /// Any other type (compound, other enums, big-endian floats of odd sizes, ...), described in words.
    case other(String)

    /// Whether the type is a real or integer number (convertible to `Float`/`Double` by libhdf5).
    public var isNumeric: Bool {
        switch self {
        case .float32, .float64, .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64: return true
        default: return false
        }
    }

    /// Size in bytes of one element in memory (0 for strings and other types).
    public var byteSize: Int {
        switch self {
        case .int8, .uint8, .bool: return 1
        case .int16, .uint16: return 2
        case .float32, .int32, .uint32: return 4
        case .float64, .int64, .uint64: return 8
        case .string, .other: return 0
        }
    }

    /// numpy's name for the type (`float32`, `bool`, `|S` for strings).
    public var description: String {
        switch self {
        case .float32: return "float32"
        case .float64: return "float64"
        case .int8: return "int8"
        case .int16: return "int16"
        case .int32: return "int32"
        case .int64: return "int64"
        case .uint8: return "uint8"
        case .uint16: return "uint16"
        case .uint32: return "uint32"
        case .uint64: return "uint64"
        case .bool: return "bool"
        case .string: return "string"
        case let .other(text): return text
        }
    }

    /// Classifies a libhdf5 datatype identifier.
    init(typeID t: hid_t) {
        let size = H5Tget_size(t)
        switch H5Tget_class(t) {
        case H5T_FLOAT:
            self = size == 4 ? .float32 : size == 8 ? .float64 : .other("float\(size * 8)")
        case H5T_INTEGER:
            let signed = H5Tget_sign(t) == H5T_SGN_2
            switch (size, signed) {
            case (1, true): self = .int8
            case (2, true): self = .int16
            case (4, true): self = .int32
            case (8, true): self = .int64
            case (1, false): self = .uint8
            case (2, false): self = .uint16
            case (4, false): self = .uint32
            case (8, false): self = .uint64
            default: self = .other("int\(size * 8)")
            }
        case H5T_STRING:
            self = .string
        case H5T_ENUM:
            self = HDF5ElementType.isH5pyBool(t) ? .bool : .other("enum")
        case H5T_COMPOUND: self = .other("compound")
        case H5T_ARRAY: self = .other("array")
        case H5T_VLEN: self = .other("vlen")
        case H5T_OPAQUE: self = .other("opaque")
        case H5T_REFERENCE: self = .other("reference")
        case H5T_BITFIELD: self = .other("bitfield")
        default: self = .other("unknown")
        }
    }

    /// Whether an enum type is h5py's boolean (two members FALSE = 0 and TRUE = 1 over a 1-byte integer).
    private static func isH5pyBool(_ t: hid_t) -> Bool {
        guard H5Tget_size(t) == 1, H5Tget_nmembers(t) == 2 else { return false }
        for (index, expected) in ["FALSE", "TRUE"].enumerated() {
            guard let name = H5Tget_member_name(t, UInt32(index)) else { return false }
            let text = String(cString: name)
            H5free_memory(name)
            var value: Int8 = -1
            guard H5Tget_member_value(t, UInt32(index), &value) >= 0 else { return false }
            if text != expected || Int(value) != index { return false }
        }
        return true
    }

    /// The native in-memory datatype for numeric types (a library constant; never closed).
    var nativeTypeID: hid_t? {
        switch self {
        case .float32: return orl_native_float()
        case .float64: return orl_native_double()
        case .int8: return orl_native_int8()
        case .int16: return orl_native_int16()
        case .int32: return orl_native_int32()
        case .int64: return orl_native_int64()
        case .uint8: return orl_native_uint8()
        case .uint16: return orl_native_uint16()
        case .uint32: return orl_native_uint32()
        case .uint64: return orl_native_uint64()
        default: return nil
        }
    }
}

/// A Swift element type that can be stored in and read from HDF5 datasets.
///
/// Conforming types: `Float`, `Double`, `Int8`, `Int32`, `Int64`, `UInt8` and `Bool` (written as
/// h5py's enum(int8) boolean). Reading converts between numeric types as libhdf5 does
/// (float64 → float32 rounds to nearest; integers convert to the nearest float).
public protocol HDF5Scalar: Sendable {
    /// The element type this Swift type is written as.
    static var hdf5ElementType: HDF5ElementType { get }
}

extension Float: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .float32 } }
extension Double: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .float64 } }
extension Int8: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .int8 } }
extension Int32: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .int32 } }
extension Int64: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .int64 } }
extension UInt8: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .uint8 } }
extension Bool: HDF5Scalar { public static var hdf5ElementType: HDF5ElementType { .bool } }
