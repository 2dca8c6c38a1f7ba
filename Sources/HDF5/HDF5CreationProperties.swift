import CHDF5

/// Creation property lists for the objects this module writes.
///
/// Every file, group and dataset is created with object time tracking off
/// (`H5Pset_obj_track_times(plist, 0)`, as `h5py`'s `track_times=False`), so an object header
/// holds no creation or modification time and writing the same content twice gives byte-identical
/// files. The caller closes the returned list with `H5Pclose`.
enum HDF5CreationProperties {
    /// A new file creation property list (it also governs the root group).
    static func file() -> hid_t { untimed(H5Pcreate(orl_h5p_file_create())) }

    /// A new group creation property list.
    static func group() -> hid_t { untimed(H5Pcreate(orl_h5p_group_create())) }

    /// A new dataset creation property list.
    static func dataset() -> hid_t { untimed(H5Pcreate(orl_h5p_dataset_create())) }

    /// Turns time tracking off on `plist` (a negative identifier passes through unchanged).
    private static func untimed(_ plist: hid_t) -> hid_t {
        if plist >= 0 { H5Pset_obj_track_times(plist, false) }
        return plist
    }
}
