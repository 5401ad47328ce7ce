/* The image module's entry points (imgmod.h). */
#include "config.h"

#include "io/diskimg.h"
#include "io/imgmod.h"
#include "io/imgstamp.h"
#include "io/wim.h"

const struct imgmod tlshive_image_mod = {
	.stamp = IMGMOD_STAMP,
	.diskimg_open = diskimg_open,
	.diskimg_describe = diskimg_describe,
	.diskimg_format = diskimg_format,
	.diskimg_partition = diskimg_partition,
	.diskimg_replayed = diskimg_replayed,
	.diskimg_file = diskimg_file,
	.diskimg_hiberfil = diskimg_hiberfil,
	.diskimg_commit = diskimg_commit,
	.diskimg_close = diskimg_close,
	.diskimg_recover = diskimg_recover,
	.wim_open = wim_open,
	.wim_images = wim_images,
	.wim_image_name = wim_image_name,
	.wim_file = wim_file,
	.wim_commit = wim_commit,
	.wim_close = wim_close,
};
