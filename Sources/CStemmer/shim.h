#ifndef VERBATIM_CSTEMMER_SHIM_H
#define VERBATIM_CSTEMMER_SHIM_H
#include <libstemmer.h>
#endif
