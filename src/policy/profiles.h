/*
 * The built-in profiles: the profile files as installed, compiled in as
 * text by build-aux/embed-profiles.sh (profiles.c, generated).
 */
#ifndef PROFILES_H
#define PROFILES_H

#include <stddef.h>

struct builtin_profile {
	const char *name;
	const char *text;
};
extern const struct builtin_profile builtin_profiles[];
extern const size_t nbuiltin_profiles;

#endif
