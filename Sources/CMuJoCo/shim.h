// Debian's libmujoco-dev 2.2.2: /usr/include/mujoco/mujoco.h, links libmujoco.so.
#include <mujoco/mujoco.h>
