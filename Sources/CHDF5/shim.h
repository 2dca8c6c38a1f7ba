// Debian's libhdf5-dev (serial build); include path from pkg-config `hdf5`.
#include <hdf5.h>
