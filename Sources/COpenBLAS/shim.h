// Debian installs cblas.h in the multiarch include folder through alternatives.
#include <cblas.h>
