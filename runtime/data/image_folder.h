// A folder of images (PNG, JPEG, BMP, GIF, TGA, PNM), decoded with stb_image.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/data/data.h"

namespace genc::runtime {

/// Every image directly in `dir`, in file-name order, as float32 [N,channels,size,size] in
/// [0,1] (channels 1: grey, 3: RGB), resized bilinearly. If `dir` holds sub-folders instead
/// (hidden ones, '.*', aside), each is a class (sorted by name, ids from 0) and y holds each
/// image's class id. A folder that mixes images and class folders, or holds no image, is an
/// error.
Data image_folder(const std::string& dir, int64_t size, int64_t channels = 3);

}  // namespace genc::runtime
