//! The checked-in crate's API: flags operations, `Debug` by name, reflection lookups.

use vulkan_enums::{reflection, ExternalMemoryHandleTypeFlags as Mem, Result as VkResult};

#[test]
fn flags_operations() {
    let mut f = Mem::OPAQUE_FD | Mem::DMA_BUF_EXT;
    assert!(f.contains(Mem::OPAQUE_FD) && f.intersects(Mem::DMA_BUF_EXT) && !f.contains(Mem::OPAQUE_WIN32));
    f &= !Mem::OPAQUE_FD;
    assert_eq!(f, Mem::DMA_BUF_EXT);
    f ^= Mem::DMA_BUF_EXT;
    assert!(f.is_empty() && f == Mem::empty());
    assert_eq!(Mem::from_raw(0x200).as_raw(), 0x200);
}

#[test]
fn debug_by_name() {
    assert_eq!(format!("{:?}", Mem::OPAQUE_FD | Mem::DMA_BUF_EXT), "OPAQUE_FD | DMA_BUF_EXT");
    assert_eq!(format!("{:?}", Mem::OPAQUE_FD | Mem::from_raw(0x8000_0000)), "OPAQUE_FD | 0x80000000");
    assert_eq!(format!("{:?}", Mem::empty()), "(empty)");
    assert_eq!(format!("{:?}", VkResult::ERROR_DEVICE_LOST), "ERROR_DEVICE_LOST");
    assert_eq!(format!("{:?}", VkResult::from_raw(-123456)), "-123456");
}

#[test]
fn reflection_lookups() {
    let (ty, e) = reflection::enumerant_by_c_name("VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT").unwrap();
    assert_eq!((ty.rust_name, e.rust_name), ("ExternalMemoryHandleTypeFlags", "DMA_BUF_EXT"));
    assert_eq!(e.providers, ["VK_EXT_external_memory_dma_buf"]);
    let (_, back) = reflection::enumerant_by_rust_name("ExternalMemoryHandleTypeFlags", "DMA_BUF_EXT").unwrap();
    assert_eq!(back.c_name, "VK_EXTERNAL_MEMORY_HANDLE_TYPE_DMA_BUF_BIT_EXT");
    let t = reflection::type_by_c_name("VkExternalMemoryHandleTypeFlagBitsKHR").unwrap();
    assert_eq!(t.rust_name, "ExternalMemoryHandleTypeFlags");
    let (_, alias) = reflection::enumerant_by_c_name("VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT_KHR").unwrap();
    assert_eq!(alias.alias_of, Some("VK_EXTERNAL_MEMORY_HANDLE_TYPE_OPAQUE_FD_BIT"));
    let ext = reflection::extension("VK_KHR_surface").unwrap();
    assert_eq!((ext.number, ext.kind), (Some(1), Some("instance")));
    assert_eq!(vulkan_enums::extensions::khr::surface::NAME.to_str(), Ok("VK_KHR_surface"));
    assert_eq!(vulkan_enums::UUID_SIZE, 16usize);
    assert_eq!(vulkan_enums::WHOLE_SIZE, u64::MAX);
    assert_eq!(vulkan_enums::LOD_CLAMP_NONE, 1000.0f32);
    assert_eq!(vulkan_enums::QUEUE_FAMILY_EXTERNAL, u32::MAX - 1);
}

/// Code written against `VkAccessFlagBits2KHR` before its promotion (1.3.203) still
/// compiles: the KHR-only bit keeps its old name as a deprecated second constant, with the
/// same value as ash's current name, and Debug shows the current name.
#[test]
#[allow(deprecated)]
fn names_under_a_promoted_types_old_name_still_compile() {
    use vulkan_enums::{AccessFlags2, AccessFlags2KHR};
    assert_eq!(AccessFlags2KHR::VIDEO_ENCODE_READ, AccessFlags2::VIDEO_ENCODE_READ_KHR);
    assert_eq!(format!("{:?}", AccessFlags2KHR::VIDEO_ENCODE_READ), "VIDEO_ENCODE_READ_KHR");
    // The reflection tables list C enumerants only: the second name is not one.
    assert!(reflection::enumerant_by_rust_name("AccessFlags2", "VIDEO_ENCODE_READ").is_none());
}
