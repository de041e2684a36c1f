"""The file types the installers offer to open with CNAPS Desktop, in each platform's words.

Which suffixes count is the engine's business (``IMAGE_SUFFIXES`` in engine/imageio.py and
``VIDEO_SUFFIXES`` in engine/video.py); this table only says how each platform names them:
the MIME type (Linux .desktop files), the Uniform Type Identifier (macOS Info.plist) and the
friendly name (Windows "Open with" entries). tests/test_installer_spec.py checks that every
suffix the engine reads has a row here.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    suffix: str
    """Lowercase, with the dot: ".jpg"."""
    kind: str
    """"image" or "video"."""
    mime: str
    uti: str
    """The macOS Uniform Type Identifier; empty where macOS has none (not offered there)."""


FILE_TYPES: tuple[FileType, ...] = (
    FileType(".jpg", "image", "image/jpeg", "public.jpeg"),
    FileType(".jpeg", "image", "image/jpeg", "public.jpeg"),
    FileType(".jpe", "image", "image/jpeg", "public.jpeg"),
    FileType(".jfif", "image", "image/jpeg", "public.jpeg"),
    FileType(".png", "image", "image/png", "public.png"),
    FileType(".tif", "image", "image/tiff", "public.tiff"),
    FileType(".tiff", "image", "image/tiff", "public.tiff"),
    FileType(".webp", "image", "image/webp", "org.webmproject.webp"),
    FileType(".bmp", "image", "image/bmp", "com.microsoft.bmp"),
    FileType(".gif", "image", "image/gif", "com.compuserve.gif"),
    FileType(".heic", "image", "image/heic", "public.heic"),
    FileType(".heif", "image", "image/heif", "public.heif"),
    FileType(".hif", "image", "image/heif", "public.heif"),
    FileType(".avif", "image", "image/avif", "public.avif"),
    FileType(".mp4", "video", "video/mp4", "public.mpeg-4"),
    FileType(".m4v", "video", "video/x-m4v", "com.apple.m4v-video"),
    FileType(".mov", "video", "video/quicktime", "com.apple.quicktime-movie"),
    FileType(".mkv", "video", "video/x-matroska", "org.matroska.mkv"),
    FileType(".webm", "video", "video/webm", "org.webmproject.webm"),
    FileType(".avi", "video", "video/x-msvideo", "public.avi"),
    FileType(".mpg", "video", "video/mpeg", "public.mpeg"),
    FileType(".mpeg", "video", "video/mpeg", "public.mpeg"),
    FileType(".ts", "video", "video/mp2t", "public.mpeg-2-transport-stream"),
    FileType(".mts", "video", "video/mp2t", "public.avchd-mpeg-2-transport-stream"),
    FileType(".m2ts", "video", "video/mp2t", "public.avchd-mpeg-2-transport-stream"),
    FileType(".3gp", "video", "video/3gpp", "public.3gpp"),
    FileType(".wmv", "video", "video/x-ms-wmv", "com.microsoft.windows-media-wmv"),
    FileType(".flv", "video", "video/x-flv", "com.adobe.flash.video"),
    FileType(".ogv", "video", "video/ogg", "org.xiph.ogv"),
    FileType(".mxf", "video", "application/mxf", "org.smpte.mxf"),
    FileType(".vob", "video", "video/mpeg", "public.mpeg-2-video"),
    FileType(".dv", "video", "video/dv", "public.dv-movie"),
    FileType(".y4m", "video", "video/x-yuv4mpeg", ""),
)

# Where the engine keeps the suffixes it reads, per kind.
ENGINE_SUFFIXES = {
    "image": ("cnaps_desktop.engine.image", "IMAGE_SUFFIXES"),
    "video": ("cnaps_desktop.engine.video", "VIDEO_SUFFIXES"),
}


def engine_suffixes(kind: str) -> frozenset[str] | None:
    """The suffixes the engine reads for ``kind``, or None when that engine module is absent."""
    module_name, attribute = ENGINE_SUFFIXES[kind]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return None
    return frozenset(s.lower() for s in getattr(module, attribute))


def associated_types() -> list[FileType]:
    """The rows for every suffix the engine reads (all rows of a kind whose module is absent)."""
    chosen: list[FileType] = []
    for kind in ENGINE_SUFFIXES:
        suffixes = engine_suffixes(kind)
        rows = [t for t in FILE_TYPES if t.kind == kind]
        if suffixes is None:
            print(
                f"file_types: {ENGINE_SUFFIXES[kind][0]} is absent; offering every {kind} type "
                "in installer/file_types.py",
                file=sys.stderr,
            )
        else:
            rows = [t for t in rows if t.suffix in suffixes]
        chosen.extend(rows)
    return chosen


def macos_document_types(types: list[FileType]) -> list[dict[str, object]]:
    """CFBundleDocumentTypes: images and videos, opened as an alternative to the usual app."""
    documents = []
    for kind, label in (("image", "Image"), ("video", "Video")):
        utis = sorted({t.uti for t in types if t.kind == kind and t.uti})
        if utis:
            documents.append(
                {
                    "CFBundleTypeName": label,
                    "CFBundleTypeRole": "Viewer",
                    "LSHandlerRank": "Alternate",
                    "LSItemContentTypes": utis,
                }
            )
    return documents


def desktop_mime_types(types: list[FileType]) -> str:
    """The MimeType= value of a Linux .desktop file."""
    mimes = sorted({t.mime for t in types})
    return "".join(f"{mime};" for mime in mimes)


def inno_registry_lines(types: list[FileType], gui_exe: str, prog_id_prefix: str) -> list[str]:
    """Inno Setup [Registry] lines: "Open with CNAPS Desktop" for each type, removed on uninstall.

    The app is added to each suffix's OpenWithProgids, never made the default program.
    """
    application = f"Software\\Classes\\Applications\\{gui_exe}"
    lines = [
        f'Root: HKA; Subkey: "{application}"; ValueType: string; ValueName: "FriendlyAppName"; '
        f'ValueData: "CNAPS Desktop"; Flags: uninsdeletekey; Tasks: openwith',
        f'Root: HKA; Subkey: "{application}\\shell\\open\\command"; ValueType: string; '
        f'ValueData: """{{app}}\\{gui_exe}"" ""%1"""; Tasks: openwith',
    ]
    for kind, label in (("image", "Image"), ("video", "Video")):
        prog_id = f"{prog_id_prefix}.{label}"
        lines += [
            f'Root: HKA; Subkey: "Software\\Classes\\{prog_id}"; ValueType: string; '
            f'ValueData: "{label} for CNAPS Desktop"; Flags: uninsdeletekey; Tasks: openwith',
            f'Root: HKA; Subkey: "Software\\Classes\\{prog_id}\\DefaultIcon"; ValueType: string; '
            f'ValueData: "{{app}}\\{gui_exe},0"; Tasks: openwith',
            f'Root: HKA; Subkey: "Software\\Classes\\{prog_id}\\shell\\open"; ValueType: string; '
            f'ValueName: "FriendlyAppName"; ValueData: "CNAPS Desktop"; Tasks: openwith',
            f'Root: HKA; Subkey: "Software\\Classes\\{prog_id}\\shell\\open\\command"; '
            f'ValueType: string; ValueData: """{{app}}\\{gui_exe}"" ""%1"""; Tasks: openwith',
        ]
        for file_type in (t for t in types if t.kind == kind):
            lines += [
                f'Root: HKA; Subkey: "Software\\Classes\\{file_type.suffix}\\OpenWithProgids"; '
                f'ValueType: string; ValueName: "{prog_id}"; ValueData: ""; '
                f"Flags: uninsdeletevalue; Tasks: openwith",
                f'Root: HKA; Subkey: "{application}\\SupportedTypes"; '
                f'ValueType: string; ValueName: "{file_type.suffix}"; ValueData: ""; '
                f"Tasks: openwith",
            ]
    return lines
