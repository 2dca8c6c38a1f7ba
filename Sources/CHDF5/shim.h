// Debian's libhdf5-dev (serial build); include path from pkg-config `hdf5`.
#include <hdf5.h>
#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

// ---------------------------------------------------------------------------------------------
// Macros Swift cannot import (they expand to global variables behind H5open(), or to casts),
// exposed as static inline functions. Used by the Swift module `HDF5` only.
// ---------------------------------------------------------------------------------------------

static inline hid_t orl_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t orl_h5s_all(void) { return H5S_ALL; }
static inline hid_t orl_h5e_default(void) { return H5E_DEFAULT; }
static inline unsigned orl_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned orl_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
static inline unsigned orl_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned orl_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline hid_t orl_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t orl_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t orl_h5p_link_create(void) { return H5P_LINK_CREATE; }
static inline hid_t orl_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t orl_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t orl_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }

static inline hid_t orl_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t orl_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t orl_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t orl_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t orl_native_int16(void) { return H5T_NATIVE_INT16; }
static inline hid_t orl_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t orl_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t orl_native_uint16(void) { return H5T_NATIVE_UINT16; }
static inline hid_t orl_native_uint32(void) { return H5T_NATIVE_UINT32; }
static inline hid_t orl_native_uint64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t orl_std_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t orl_std_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t orl_std_i8le(void) { return H5T_STD_I8LE; }
static inline hid_t orl_std_i32le(void) { return H5T_STD_I32LE; }
static inline hid_t orl_std_i64le(void) { return H5T_STD_I64LE; }
static inline hid_t orl_c_s1(void) { return H5T_C_S1; }
static inline size_t orl_h5t_variable(void) { return H5T_VARIABLE; }

/// Silences libhdf5's automatic error-stack printing for the calling thread (the stack is per
/// thread in thread-safe builds, so this is called before each operation; it is cheap).
static inline void orl_h5_silence(void) { H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

static herr_t orl_h5_walk_cb(unsigned n, const H5E_error2_t *err, void *data) {
    char *buf = (char *)data;
    size_t used = strlen(buf);
    const char *desc = err->desc ? err->desc : "";
    const char *func = err->func_name ? err->func_name : "";
    if (used + strlen(desc) + strlen(func) + 8 >= 1024) return 0;
    if (used > 0) strcat(buf, "; ");
    strcat(buf, func);
    strcat(buf, ": ");
    strcat(buf, desc);
    (void)n;
    return 0;
}

/// Writes the calling thread's HDF5 error stack (innermost first, "func: description; ...")
/// into `buf` (at least 1024 bytes) and clears the stack.
static inline void orl_h5_error_message(char *buf) {
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, orl_h5_walk_cb, buf);
    H5Eclear2(H5E_DEFAULT);
}

/// Sets a fixed-size string datatype's size, null-terminated, ASCII (h5py's `np.string_`).
static inline hid_t orl_string_type(size_t size) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    if (size == 0) size = 1;
    H5Tset_size(t, size);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    return t;
}

/// A variable-length UTF-8 string type (h5py's `str`).
static inline hid_t orl_vlen_string_type(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

/// h5py's boolean type: enum(int8) {FALSE = 0, TRUE = 1}.
static inline hid_t orl_bool_type(void) {
    hid_t t = H5Tenum_create(H5T_NATIVE_INT8);
    if (t < 0) return t;
    int8_t v = 0;
    H5Tenum_insert(t, "FALSE", &v);
    v = 1;
    H5Tenum_insert(t, "TRUE", &v);
    return t;
}

// ---------------------------------------------------------------------------------------------
// zlib's `uncompress`, found at run time in the zlib that libhdf5 itself loaded (so no extra
// link flag is needed). Used to inflate raw gzip chunks on several threads at once.
// ---------------------------------------------------------------------------------------------

typedef int (*orl_uncompress_fn)(unsigned char *, unsigned long *, const unsigned char *, unsigned long);

/// zlib's `uncompress`, or NULL when no zlib is loaded in the process.
static inline orl_uncompress_fn orl_zlib_uncompress(void) {
    static orl_uncompress_fn fn = NULL;
    static int looked = 0;
    if (!looked) {
        fn = (orl_uncompress_fn)dlsym(RTLD_DEFAULT, "uncompress");
        looked = 1;
    }
    return fn;
}

/// Inflates zlib-format `src` into `dst`; returns the number of bytes written, or -1 on error
/// (including a missing zlib or output that does not fit).
static inline long orl_inflate(void *dst, unsigned long dst_len, const void *src, unsigned long src_len) {
    orl_uncompress_fn fn = orl_zlib_uncompress();
    if (!fn) return -1;
    unsigned long out = dst_len;
    int rc = fn((unsigned char *)dst, &out, (const unsigned char *)src, src_len);
    return rc == 0 ? (long)out : -1;
}

typedef int (*orl_inflate_init2_fn)(z_stream *, int, const char *, int);
typedef int (*orl_inflate_fn)(z_stream *, int);
typedef int (*orl_inflate_end_fn)(z_stream *);

/// Inflates raw deflate data (no zlib header, as in ZIP/.npz members) into `dst`; returns the
/// number of bytes written, or -1 on error, a missing zlib, or output that does not fit.
static inline long orl_inflate_raw(void *dst, unsigned long dst_len, const void *src, unsigned long src_len) {
    orl_inflate_init2_fn init = (orl_inflate_init2_fn)dlsym(RTLD_DEFAULT, "inflateInit2_");
    orl_inflate_fn step = (orl_inflate_fn)dlsym(RTLD_DEFAULT, "inflate");
    orl_inflate_end_fn end = (orl_inflate_end_fn)dlsym(RTLD_DEFAULT, "inflateEnd");
    if (!init || !step || !end) return -1;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (init(&z, -15, ZLIB_VERSION, (int)sizeof(z_stream)) != Z_OK) return -1;
    long produced = -1;
    z.next_in = (Bytef *)src;
    z.next_out = (Bytef *)dst;
    while (1) {
        unsigned long in_left = src_len - (unsigned long)((const unsigned char *)z.next_in - (const unsigned char *)src);
        unsigned long out_left = dst_len - (unsigned long)((unsigned char *)z.next_out - (unsigned char *)dst);
        z.avail_in = in_left > 0x40000000UL ? 0x40000000U : (uInt)in_left;
        z.avail_out = out_left > 0x40000000UL ? 0x40000000U : (uInt)out_left;
        int rc = step(&z, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) { produced = (long)((unsigned char *)z.next_out - (unsigned char *)dst); break; }
        if (rc != Z_OK) break;
        if (z.avail_in == 0 && in_left <= 0x40000000UL) break;  /* input exhausted before the end */
        if (z.avail_out == 0 && out_left <= 0x40000000UL) break; /* output full before the end */
    }
    end(&z);
    return produced;
}

#include <malloc.h>
/// Heap bytes in use (glibc), for benchmarks that check a loop does not allocate.
static inline size_t orl_heap_bytes_in_use(void) { return mallinfo2().uordblks; }
