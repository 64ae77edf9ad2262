"""Photos and social cards (plugins/photos.py): the derivatives of a photo, and the card drawn with a title."""

from __future__ import annotations

import os

import io
import json
import re

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFont, ImageStat

import photos
from support import ROOT
from photo_images import GPS_IFD, animated_gif, phone_jpeg

SETTINGS = {"THEME": str(ROOT / "theme")}


def cfg(**settings):
    return photos.config({**SETTINGS, **settings})


def opened(folder, name) -> Image.Image:
    image = Image.open(folder / name)
    image.load()
    return image


def test_a_phones_photo_is_turned_upright_and_loses_its_position_and_camera(tmp_path):
    info = photos.encode_photo(str(phone_jpeg(tmp_path / "a.jpg")), str(tmp_path / "out"), cfg())
    assert (info["width"], info["height"], info["animated"]) == (900, 1600, False)  # EXIF orientation applied
    assert [(f["kind"], f["width"], f["height"]) for f in info["files"]] == [
        ("avif", 480, 853),
        ("avif", 800, 1422),
        ("avif", 900, 1600),  # never wider than the source
        ("jpeg", 800, 1422),  # one JPEG
    ]
    assert [(f["kind"], f["width"], f["height"]) for f in info["thumbnails"]] == [("avif", 160, 120), ("avif", 320, 240), ("jpeg", 160, 120)]
    for entry in [*info["files"], *info["thumbnails"], {"name": info["card"]}]:
        image = opened(tmp_path / "out", entry["name"])
        exif = image.getexif()
        assert not exif and not exif.get_ifd(GPS_IFD), entry["name"]
        assert "icc_profile" not in image.info and "xmp" not in image.info and "exif" not in image.info
    upright = opened(tmp_path / "out", "800.jpg").convert("RGB")
    assert upright.getpixel((790, 10))[0] > 200 > upright.getpixel((10, 10))[0]  # the red corner, now top right
    assert opened(tmp_path / "out", "card.jpg").size == (1200, 630)
    assert json.loads((tmp_path / "out" / "info.json").read_text("utf-8")) == info


def test_the_modern_format_is_avif_when_pillow_writes_it_else_webp(tmp_path):
    from PIL import features

    info = photos.encode_photo(str(phone_jpeg(tmp_path / "a.jpg")), str(tmp_path / "out"), cfg())
    modern = "avif" if features.check("avif") else "webp"
    assert {f["kind"] for f in info["files"] + info["thumbnails"]} == {modern, "jpeg"}
    assert opened(tmp_path / "out", f"480.{modern}").format == modern.upper()
    webp = photos.encode_photo(str(tmp_path / "a.jpg"), str(tmp_path / "webp"), cfg(PHOTOS_FORMAT="webp"))
    assert {f["kind"] for f in webp["files"] + webp["thumbnails"]} == {"webp", "jpeg"}


def test_each_width_is_made_from_the_next_larger_one_at_the_sources_own_ratio(tmp_path):
    from cafetech_dev.bench import bench_photo

    (tmp_path / "b.jpg").write_bytes(bench_photo(1, (1600, 1067)))
    info = photos.encode_photo(str(tmp_path / "b.jpg"), str(tmp_path / "out"), cfg())
    # From the source's size (1067 × 800 / 1600 = 533.5): not from the 1200 px rendition's (800 × 800 / 1200 = 533.3).
    assert sorted({(f["width"], f["height"]) for f in info["files"]}) == [(480, 320), (800, 534), (1200, 800)]
    whole = Image.open(tmp_path / "b.jpg").convert("RGB").resize((800, 534), Image.Resampling.LANCZOS)
    direct = io.BytesIO()
    whole.save(direct, "JPEG", quality=82, optimize=True)

    def error(image) -> float:  # mean difference from the direct resize, in levels of 255
        return max(ImageStat.Stat(ImageChops.difference(whole, image.convert("RGB"))).mean)

    # No more error than the JPEG of the direct resize has, give or take half a level.
    assert error(opened(tmp_path / "out", "800.jpg")) < error(Image.open(direct)) + 0.5


def test_the_widest_modern_rendition_and_thumbnail_take_their_own_quality_and_the_jpegs_do_not(tmp_path):
    from cafetech_dev.bench import bench_photo

    (tmp_path / "b.jpg").write_bytes(bench_photo(2, (1600, 1067)))
    sizes = {}
    for name, quality in (("same", {"avif_widest": 60, "webp_widest": 80}), ("lower", {})):
        folder = tmp_path / name
        photos.encode_photo(str(tmp_path / "b.jpg"), str(folder), cfg(PHOTOS_QUALITY=quality))
        sizes[name] = {path.name: path.stat().st_size for path in folder.iterdir() if path.suffix in (".avif", ".webp", ".jpg")}
    # Only dense screens fetch them: the widest of the article's widths, the widest thumbnail.
    modern = {name for name in sizes["lower"] if name.startswith(("1200.", "thumbnail-320.")) and not name.endswith(".jpg")}
    assert len(modern) == 2
    for name in modern:
        assert sizes["lower"][name] < 0.85 * sizes["same"][name], name  # the defaults: 50 instead of 60 (AVIF), 70 instead of 80 (WebP)
    assert {name: size for name, size in sizes["lower"].items() if name not in modern} == {name: size for name, size in sizes["same"].items() if name not in modern}


def test_a_large_jpeg_is_decoded_smaller_but_never_below_what_is_made_of_it(tmp_path):
    for name, size in (("phone.jpg", (4000, 3000)), ("square.jpg", (2300, 2300)), ("phone.png", (4000, 3000))):
        Image.new("RGB", size, "#3366aa").save(tmp_path / name, quality=90)
    # A half, a quarter or an eighth, both sides kept at 1200 or more (either may be the width once
    # the photo is turned upright).
    assert photos.open_photo(str(tmp_path / "phone.jpg"), 1, smallest=1200)[0][0].size == (2000, 1500)
    assert photos.open_photo(str(tmp_path / "phone.jpg"), 1, smallest=480)[0][0].size == (1000, 750)  # an eighth would be 500 × 375
    assert photos.open_photo(str(tmp_path / "square.jpg"), 1, smallest=1200)[0][0].size == (2300, 2300)  # a half would be 1150
    assert photos.open_photo(str(tmp_path / "phone.png"), 1, smallest=1200)[0][0].size == (4000, 3000)  # PNG: no such scaling
    assert photos.open_photo(str(tmp_path / "phone.jpg"), 1)[0][0].size == (4000, 3000)
    info = photos.encode_photo(str(tmp_path / "phone.jpg"), str(tmp_path / "out"), cfg())
    assert [(f["width"], f["height"]) for f in info["files"]] == [(480, 360), (800, 600), (1200, 900), (800, 600)]
    assert opened(tmp_path / "out", "card.jpg").size == (1200, 630)


def test_widths_never_exceed_the_source():
    assert photos.rendition_widths(2000, (480, 800, 1200)) == (480, 800, 1200)
    assert photos.rendition_widths(1000, (480, 800, 1200)) == (480, 800, 1000)
    assert photos.rendition_widths(300, (480, 800, 1200)) == (300,)


def test_a_cmyk_photo_and_a_photo_with_a_colour_profile_come_out_in_srgb_without_it(tmp_path):
    Image.new("CMYK", (600, 400), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg")
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    Image.new("RGB", (600, 400), "#00ff00").save(tmp_path / "profiled.png", icc_profile=srgb)
    for name in ("cmyk.jpg", "profiled.png"):
        photos.encode_photo(str(tmp_path / name), str(tmp_path / name.split(".")[0]), cfg())
        image = opened(tmp_path / name.split(".")[0], "600.jpg")
        assert image.mode == "RGB" and "icc_profile" not in image.info, name
    red = opened(tmp_path / "cmyk", "600.jpg").getpixel((10, 10))
    assert red[0] > 200 and red[1] < 80 and red[2] < 80  # cyan-free CMYK red, as red


def test_a_transparent_png_keeps_its_alpha_in_the_modern_format_and_lies_on_the_page_colour_in_jpeg(tmp_path):
    Image.new("RGBA", (600, 400), (255, 0, 0, 0)).save(tmp_path / "clear.png")
    info = photos.encode_photo(str(tmp_path / "clear.png"), str(tmp_path / "out"), cfg(PHOTOS_FORMAT="webp"))
    assert opened(tmp_path / "out", "480.webp").mode == "RGBA"
    assert opened(tmp_path / "out", "600.jpg").getpixel((5, 5)) == pytest.approx((255, 253, 249), abs=3)
    assert opened(tmp_path / "out", "thumbnail-160.jpg").getpixel((5, 5)) == pytest.approx((255, 253, 249), abs=3)
    assert info["width"] == 600


def test_an_animated_gif_stays_animated_as_webp_with_a_gif_fallback(tmp_path):
    info = photos.encode_photo(str(animated_gif(tmp_path / "a.gif", frames=3)), str(tmp_path / "out"), cfg())
    assert info["animated"] is True
    assert [(f["kind"], f["width"]) for f in info["files"]] == [("webp", 480), ("webp", 640), ("gif", 640)]
    for name in ("480.webp", "640.webp", "640.gif"):
        assert getattr(opened(tmp_path / "out", name), "n_frames", 1) == 3, name
    # Its thumbnail stands still (a list of sections does not move), in the format of still photos.
    assert [(f["kind"], f["width"]) for f in info["thumbnails"]] == [(cfg().modern, 160), (cfg().modern, 320), ("jpeg", 160)]
    assert getattr(opened(tmp_path / "out", "thumbnail-160.jpg"), "n_frames", 1) == 1
    assert opened(tmp_path / "out", "card.jpg").size == (1200, 630)


def test_an_animation_longer_than_the_limit_is_refused_in_one_line(tmp_path):
    path = animated_gif(tmp_path / "long.gif", frames=4)
    with pytest.raises(photos.PhotoError) as refused:
        photos.encode_photo(str(path), str(tmp_path / "out"), cfg(PHOTOS_MAX_FRAMES=3))
    assert str(refused.value) == (
        f"{path}: an animation of 4 frames, more than PHOTOS_MAX_FRAMES (3); shorten it, or export one frame of long.gif as JPEG"
    )


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("notes.jpg", b"not an image at all", "not an image Pillow can read"),
        ("scan.tiff", None, "a TIFF file; photos are JPEG, PNG, WebP or GIF"),
    ],
)
def test_a_file_that_is_no_photo_is_refused_naming_it(tmp_path, name, data, message):
    path = tmp_path / name
    if data is None:
        Image.new("RGB", (10, 10)).save(path, "TIFF")
    else:
        path.write_bytes(data)
    with pytest.raises(photos.PhotoError, match=message) as refused:
        photos.encode_photo(str(path), str(tmp_path / "out"), cfg())
    assert str(refused.value).startswith(f"{path}: ") and "\n" not in str(refused.value)


def test_an_image_line_names_a_file_of_the_content_folder(tmp_path):
    article = str(tmp_path / "issues" / "2023-11-20" / "01-x.md")
    assert photos.image_path(article, "01-x.jpg", str(tmp_path)) == str(tmp_path / "issues" / "2023-11-20" / "01-x.jpg")
    assert photos.image_path(article, "/photos/x.jpg", str(tmp_path)) == str(tmp_path / "photos" / "x.jpg")
    with pytest.raises(photos.PhotoError, match="is outside the content folder"):
        photos.image_path(article, "../../../secret.jpg", str(tmp_path))
    with pytest.raises(photos.PhotoError, match="is an address; name a file beside the article"):
        photos.image_path(article, "https://example.org/x.jpg", str(tmp_path))


def test_the_templates_get_the_modern_format_narrowest_first_one_jpeg_and_a_thumbnail_of_their_own(tmp_path):
    info = photos.encode_photo(str(phone_jpeg(tmp_path / "a.jpg", size=(2400, 1350))), str(tmp_path / "out"), cfg(PHOTOS_FORMAT="webp"))
    photo, files = photos.make_photo(info, "a", "0123456789abcdef", "photos", "Un téléphone", "AFP")
    assert [source.type for source in photo.sources] == ["image/webp"]
    assert [r.url for r in photo.sources[0].renditions] == ["photos/a-0123456789-480.webp", "photos/a-0123456789-800.webp", "photos/a-0123456789-1200.webp"]
    assert photo.src == photos.Rendition("photos/a-0123456789-800.jpg", 800, 1422)
    assert (photo.width, photo.height) == (1200, 2133) and (photo.alt, photo.credit) == ("Un téléphone", "AFP")
    thumbnail = photo.thumbnail
    assert [(source.type, [r.url for r in source.renditions]) for source in thumbnail.sources] == [
        ("image/webp", ["photos/a-0123456789-thumbnail-160.webp", "photos/a-0123456789-thumbnail-320.webp"])
    ]
    assert thumbnail.src == photos.Rendition("photos/a-0123456789-thumbnail-160.jpg", 160, 120)
    assert (thumbnail.width, thumbnail.height) == (160, 120)  # the slot's ratio, 4:3
    assert files["photos/a-0123456789-800.jpg"] == "800.jpg" and files["photos/a-0123456789-thumbnail-320.webp"] == "thumbnail-320.webp"
    assert len(files) == 7 and not any(url.endswith(("-480.jpg", "-1200.jpg")) for url in files)


def test_a_thumbnails_chosen_rendition_is_at_most_twice_its_slots_pixels():
    slot = 128  # CSS px: 8rem, the `sizes` of the thumbnail macro (theme/static/css/main.css: .thumbnail img)
    widths = photos.DEFAULTS["PHOTOS_THUMBNAIL_WIDTHS"]
    for density in (1, 1.5, 2, 3):
        needed = slot * density
        chosen = min((w for w in widths if w >= needed), default=max(widths))  # what a browser picks from srcset
        assert chosen <= 2 * needed, density
    assert 160 in widths  # the JPEG, for browsers without AVIF whatever their density
    template = (ROOT / "theme" / "templates" / "partials" / "photo.html").read_text("utf-8")
    assert 'picture(photo.thumbnail, "8rem", "")' in template


def test_bad_settings_are_refused_in_one_line():
    for settings, message in [
        ({"PHOTOS_WIDTHS": []}, "photos: PHOTOS_WIDTHS must be a list of widths"),
        ({"PHOTOS_FORMAT": "heic"}, "photos: PHOTOS_FORMAT must be one of auto, avif, webp"),
        ({"PHOTOS_QUALITY": {"jpeg": 0}}, "photos: PHOTOS_QUALITY maps avif, webp, jpeg, avif_widest, webp_widest and card"),
        ({"PHOTOS_FALLBACK_WIDTH": (800,)}, "photos: PHOTOS_FALLBACK_WIDTH must be a width in pixels"),
        ({"PHOTOS_THUMBNAIL_WIDTHS": (8,)}, "photos: PHOTOS_THUMBNAIL_WIDTHS must be a list of widths"),
        ({"PHOTOS_THUMBNAIL_RATIO": (4, 0)}, r"photos: PHOTOS_THUMBNAIL_RATIO must be \(width, height\)"),
        ({"PHOTOS_MAX_FRAMES": 0}, "photos: PHOTOS_MAX_FRAMES must be a whole number"),
        ({"PHOTOS_PATH": "../out"}, "photos: PHOTOS_PATH must be a folder of the site"),
        ({"PHOTOS_CARD_FONTS": ("fonts/missing.ttf", "fonts/DejaVuSerif.ttf")}, "photos: PHOTOS_CARD_FONTS must name two font files"),
        ({"PHOTOS_CARD_COLOURS": {"text": "black"}}, "photos: PHOTOS_CARD_COLOURS maps"),
        ({"PHOTOS_CACHE_PATH": ""}, "photos: PHOTOS_CACHE_PATH must be a folder"),
        ({"PHOTOS_CACHE_VERIFY": "trust"}, "photos: PHOTOS_CACHE_VERIFY must be 'stat' or 'digest'"),
    ]:
        with pytest.raises(ValueError, match=message):
            cfg(**settings)


def test_a_store_of_its_own_is_always_read_and_the_default_one_goes_with_pelicans_content_cache():
    assert (cfg(PHOTOS_CACHE_PATH="/store", LOAD_CONTENT_CACHE=False).cache_path, cfg(PHOTOS_CACHE_PATH="/store").reuse) == ("/store", True)
    assert cfg(PHOTOS_CACHE_PATH="/store", LOAD_CONTENT_CACHE=False).reuse is True  # its entries cannot go stale
    assert cfg(CACHE_PATH="/tmp/c", CACHE_CONTENT=True).cache_path == "/tmp/c/photos"
    assert cfg(CACHE_PATH="/tmp/c", CACHE_CONTENT=True, LOAD_CONTENT_CACHE=False).reuse is False
    assert cfg(CACHE_PATH="/tmp/c", CACHE_CONTENT=False).cache_path is None  # cold builds (publish, check)


def test_a_photos_recipe_follows_its_encoding_only_and_a_cards_its_drawing_only():
    base = cfg()
    assert cfg(PHOTOS_QUALITY={"avif": 50}).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_WIDTHS=(640, 1280)).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_FALLBACK_WIDTH=640).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_THUMBNAIL_WIDTHS=(200,)).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_THUMBNAIL_RATIO=(1, 1)).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_QUALITY={"card": 80}).photo_recipe() != base.photo_recipe()
    assert cfg(PHOTOS_CARD_COLOURS={"background": "#ffffff"}).photo_recipe() != base.photo_recipe()  # transparency lies on it
    # What only the drawn cards use leaves the photos where they are, and the reverse.
    assert cfg(PHOTOS_CARD_COLOURS={"accent": "#000000"}).photo_recipe() == base.photo_recipe()
    assert cfg(PHOTOS_CARD_FONTS=("fonts/DejaVuSerif.ttf", "fonts/DejaVuSerif.ttf")).photo_recipe() == base.photo_recipe()
    assert cfg(PHOTOS_QUALITY={"avif": 50}).card_recipe() == base.card_recipe()
    assert cfg(PHOTOS_CARD_FONTS=("fonts/DejaVuSerif.ttf", "fonts/DejaVuSerif.ttf")).card_recipe() != base.card_recipe()


def test_a_store_entry_unfinished_damaged_or_missing_a_file_is_made_again(tmp_path):
    config = cfg()
    store = photos.Store(str(tmp_path / "store"), config.photo_recipe(), config.card_recipe(), reuse=True)
    folder = store.photo_folder("ab" * 32)
    assert store.photo_info(folder) is None  # nothing yet
    info = photos.encode_photo(str(phone_jpeg(tmp_path / "a.jpg")), folder, config)
    assert store.photo_info(folder) is None  # made but not recorded (a build that stopped before): made again
    store.record_photo(folder, info)
    assert store.photo_info(folder) == info
    (tmp_path / "store" / folder / "800.jpg").unlink()
    assert store.photo_info(folder) is None
    photos.encode_photo(str(tmp_path / "a.jpg"), folder, config)
    (tmp_path / "store" / folder / "info.json").write_text('{"files": 3}', "utf-8")
    assert store.photo_info(folder) is None
    (tmp_path / "store" / folder / "info.json").write_text('{"files": [', "utf-8")
    assert store.photo_info(folder) is None
    assert photos.Store(str(tmp_path / "store"), config.photo_recipe(), config.card_recipe(), reuse=False).photo_info(folder) is None


def test_the_photo_and_card_a_page_reads_are_tuples_of_plain_values():
    # The page cache fingerprints what a page reads to a fixed depth: nested objects would go past it
    # and have the pages with a photo rendered again at every build.
    def plain(value, depth=0):
        assert depth <= 6, value  # 7 in a content, below the page cache's limit (8)
        if isinstance(value, tuple):
            return all(plain(item, depth + 1) for item in value)
        return isinstance(value, (str, int, bool))

    info = {"animated": False, "card": "card.jpg", "files": [
        {"kind": kind, "width": width, "height": width // 2, "name": f"{width}.{kind}"} for width in (480, 800) for kind in ("avif", "jpeg")
    ], "thumbnails": [
        {"kind": kind, "width": width, "height": width // 2, "name": f"thumbnail-{width}.{kind}"} for width in (160, 320) for kind in ("avif", "jpeg")
    ]}  # fmt: skip
    photo, _files = photos.make_photo(info, "a", "0123456789abcdef", "photos", "Un téléphone", "AFP")
    assert plain(photo) and plain(photos.Card("cards/x.jpg", 1200, 630, "Kyutai"))


# --- cards ---------------------------------------------------------------------------

LONG_TITLE = (
    "Malgré les pressions des investisseurs, des salariés et de Microsoft, le conseil d’administration "
    "d’OpenAI refuse de réinstaller Sam Altman à sa tête et nomme Emmett Shear, l’ancien patron de Twitch, "
    "directeur général par intérim\u202f: le début d’un exode\u00a0? « Anticonstitutionnellement »"
) * 2


def test_a_very_long_french_title_wraps_and_never_overflows_the_card():
    config = cfg()
    title_font = config.fonts[0]
    size, lines = photos.fit_title(LONG_TITLE, title_font, 1040, 370)
    font = ImageFont.truetype(title_font, size)
    assert size == 36 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1040 for line in lines)
    assert len(lines) * round(size * 1.2) <= 370
    card = photos.draw_card(photos.CardText("Cafétech", LONG_TITLE, "L’actualité tech décryptée, chaque semaine"), config)
    assert card.size == (1200, 630)
    background = Image.new("RGB", (1, 1), config.colours["background"]).getpixel((0, 0))
    margin = card.crop((1200 - 79, 0, 1200, 630))  # the right margin: nothing drawn there
    assert [colour for _count, colour in margin.getcolors()] == [background]


def test_a_short_title_is_set_large_and_whole():
    size, lines = photos.fit_title("Kyutai", cfg().fonts[0], 1040, 370)
    assert (size, lines) == (76, ["Kyutai"])


def test_lines_break_at_ordinary_spaces_never_at_a_no_break_space():
    font = ImageFont.truetype(cfg().fonts[0], 60)
    text = "Vers un exode des employés\u202f? « Oui\u202f» dit-il\u00a0: 80\u00a0%"
    lines = photos.wrap_words(text, font, 300)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert not line.startswith(("\u202f", "\u00a0", "?", "»", ":", "%")), lines


def test_a_word_wider_than_a_line_is_cut_and_a_character_the_font_lacks_is_left_out():
    font = ImageFont.truetype(cfg().fonts[0], 60)
    lines = photos.wrap_words("https://example.org/" + "a" * 80, font, 500)
    assert len(lines) > 1 and all(font.getlength(line) <= 500 for line in lines)
    assert photos.drawable("Un café \u2615\ufe0f\U0001F600 bien serré", cfg().fonts[0]) == "Un café bien serré"


def test_a_card_is_the_same_pixels_every_time_and_its_digest_follows_its_text():
    config = cfg()
    text = photos.CardText("Cafétech", "Kyutai", "L’actualité tech")
    first, second = io.BytesIO(), io.BytesIO()
    photos.draw_card(text, config).save(first, "PNG")
    photos.draw_card(text, config).save(second, "PNG")
    assert first.getvalue() == second.getvalue()
    recipe = config.card_recipe()
    assert photos.card_digest(text, recipe) == photos.card_digest(photos.CardText("Cafétech", "Kyutai", "L’actualité tech"), recipe)
    assert photos.card_digest(text, recipe) != photos.card_digest(photos.CardText("Cafétech", "Mistral", "L’actualité tech"), recipe)
    assert cfg(PHOTOS_CARD_COLOURS={"accent": "#000000"}).card_recipe() != recipe


def test_a_card_is_written_where_the_cache_has_no_folder_yet(tmp_path):
    path = tmp_path / "cache" / "photos" / "card.png"
    photos.write_card(photos.CardText("Cafétech", "Kyutai", ""), str(path), cfg())
    with Image.open(path) as card:
        assert card.size == (1200, 630) and card.format == "PNG"
    assert [p.name for p in path.parent.iterdir()] == ["card.png"]


def test_a_drawn_card_is_a_png_of_the_sites_palette_as_sharp_as_drawn_and_weighs_under_30_kb(tmp_path):
    config = cfg()
    titles = ["Kyutai", "À propos", "IA générative", "Mistral AI lève 385 millions d’euros", LONG_TITLE[:90],
              "Google accusé de verrouiller la recherche sur mobile", "Putsch, menaces, exode\u202f: la semaine où OpenAI a failli disparaître",
              "Xavier Niel lance Kyutai, un laboratoire d’IA à but non lucratif doté de 300 millions d’euros"]  # fmt: skip
    sizes = []
    for number, title in enumerate(titles):
        text = photos.CardText("Cafétech", title, "L’actualité tech décryptée, chaque semaine")
        path = tmp_path / f"{number}.png"
        photos.write_card(text, str(path), config)
        sizes.append(path.stat().st_size)
        with Image.open(path) as card:
            assert card.format == "PNG" and card.mode == "P" and len(card.getcolors()) <= 31
            drawn = photos.draw_card(text, config)
            assert max(ImageStat.Stat(ImageChops.difference(card.convert("RGB"), drawn)).mean) < 1.0  # in levels of 255
    assert sorted(sizes)[len(sizes) // 2] <= 30 * 1024 and max(sizes) <= 40 * 1024, sizes


def test_image_focus_is_two_percentages_across_then_down():
    assert photos.parse_focus("50% 30%") == (0.5, 0.3)
    assert photos.parse_focus(" 0%  100% ") == (0.0, 1.0) and photos.parse_focus("33.5% 20%") == (0.335, 0.2)
    for wrong in ("50 30", "50%", "top", "50%, 30%", "120% 30%", "-5% 30%", "50% 30% 10%"):
        with pytest.raises(photos.PhotoError) as refused:
            photos.parse_focus(wrong)
        assert str(refused.value) == f"Image_focus: {wrong!r} must be two percentages from 0% to 100%, across then down, such as 50% 30%"


def detailed_photo(path, size, patch, flat="#7a7570"):
    """A flat photo with one detailed patch (a chequer of 40 px squares) at ``patch`` (a box)."""
    image = Image.new("RGB", size, flat)
    draw = ImageDraw.Draw(image)
    left, top, right, bottom = patch
    for y in range(top, bottom, 40):
        for x in range(left, right, 40):
            if (x // 40 + y // 40) % 2 == 0:
                draw.rectangle((x, y, min(x + 39, right - 1), min(y + 39, bottom - 1)), fill="#000000")
            else:
                draw.rectangle((x, y, min(x + 39, right - 1), min(y + 39, bottom - 1)), fill="#ffffff")
    image.save(path, quality=92)
    return path


def spread(image) -> float:
    return max(ImageStat.Stat(image.convert("RGB")).stddev)


def test_without_a_focal_point_the_crops_keep_the_detailed_region(tmp_path):
    # A portrait photo, flat but for a patch near its top: a centre crop would show nothing but the flat grey.
    path = detailed_photo(tmp_path / "top.jpg", (1200, 2000), (400, 120, 800, 440))
    photos.encode_photo(str(path), str(tmp_path / "out"), cfg())
    card = opened(tmp_path / "out", "card.jpg")
    assert card.size == (1200, 630)
    inked = sum(count for count, colour in card.convert("L").getcolors(1200 * 630) if colour < 40 or colour > 215)
    assert inked > 0.9 * 400 * 320  # the whole patch, at its own size (1200 wide: no scaling)
    assert spread(opened(tmp_path / "out", "thumbnail-320.avif")) > 20
    assert spread(opened(tmp_path / "out", "thumbnail-160.jpg")) > 20
    centre = Image.open(path).crop((0, 685, 1200, 1315))
    assert spread(centre) < 5  # what the centre crop would have kept


def test_a_focal_point_keeps_its_region_inside_every_crop_whatever_the_detail_elsewhere(tmp_path):
    # Detail at the top, a face (a red square) near the bottom that Image_focus points at.
    path = detailed_photo(tmp_path / "face.jpg", (1600, 2400), (0, 0, 1600, 500))
    image = Image.open(path).convert("RGB")
    ImageDraw.Draw(image).rectangle((700, 1900, 899, 2099), fill="#ff0000")
    image.save(path, quality=92)

    def red(picture) -> int:
        return sum(count for count, (r, g, b) in picture.convert("RGB").getcolors(picture.width * picture.height) if r > 200 and g < 60 and b < 60)

    photos.encode_photo(str(path), str(tmp_path / "auto"), cfg())
    assert red(opened(tmp_path / "auto", "card.jpg")) == 0  # the automatic crop went for the detail
    photos.encode_photo(str(path), str(tmp_path / "focus"), cfg(), focus=photos.parse_focus("50% 83%"))
    assert red(opened(tmp_path / "focus", "card.jpg")) > 0.9 * 150 * 150  # the square, scaled by 1200/1600, all of it
    assert red(opened(tmp_path / "focus", "thumbnail-320.avif")) > 0.8 * 40 * 40  # by 320/1600
    assert red(opened(tmp_path / "focus", "thumbnail-160.jpg")) > 0.8 * 20 * 20


@pytest.mark.parametrize("size, placed", [((512, 512), (344, 59, 856, 571)), ((1600, 500), (0, 65, 1200, 565)), ((451, 300), (374, 165, 825, 465))])
def test_a_photo_smaller_than_the_card_is_laid_on_the_sites_background_never_enlarged(tmp_path, size, placed):
    photo = Image.linear_gradient("L").resize(size).convert("RGB")
    photo = Image.merge("RGB", (photo.getchannel(0), Image.new("L", size, 40), photo.getchannel(0).transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    photo.save(tmp_path / "small.png")
    photos.encode_photo(str(tmp_path / "small.png"), str(tmp_path / "out"), cfg())
    card = opened(tmp_path / "out", "card.jpg").convert("RGB")
    assert card.size == (1200, 630)
    background = Image.new("RGB", card.size, cfg().colours["background"])
    # The photo's own pixels, one for one, where it lies; the background around it.
    mask = ImageChops.difference(card, background).convert("L").point(lambda level: 255 if level > 24 else 0)
    assert mask.getbbox() == pytest.approx(placed, abs=1)  # give or take the JPEG's ringing at the edge
    left, top, right, bottom = placed
    inside = card.crop(placed)
    expected = photo.crop(((size[0] - (right - left)) // 2, (size[1] - (bottom - top)) // 2, (size[0] + right - left) // 2, (size[1] + bottom - top) // 2))
    assert max(ImageStat.Stat(ImageChops.difference(inside, expected)).mean) < 4


@pytest.mark.parametrize(
    "name, data",
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("disguised.png", b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ],
)
def test_an_svg_is_refused_because_it_can_carry_script(tmp_path, name, data):
    from photos import PhotoError, open_photo

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(PhotoError, match=r"an SVG file, refused \(it can carry script\); export it as PNG or JPEG"):
        open_photo(str(path), 300)


def test_a_corrupt_photo_is_refused_naming_the_file(tmp_path):
    from photos import PhotoError, open_photo

    path = tmp_path / "cut.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue()[:200])
    with pytest.raises(PhotoError, match=rf"^{re.escape(str(path))}: not an image Pillow can read"):
        open_photo(str(path), 300)


def test_a_photo_of_too_many_pixels_is_refused_and_a_large_one_warned_of(tmp_path, monkeypatch, caplog):
    import logging

    from photos import LARGE_MEGAPIXELS, PhotoError, open_photo

    path = tmp_path / "huge.png"
    Image.new("RGB", (6000, 5000), "white").save(path)  # 30 megapixels
    with caplog.at_level(logging.WARNING):
        frames, _, _ = open_photo(str(path), 300)
    assert frames[0].size == (6000, 5000)
    assert [r.getMessage() for r in caplog.records] == [f"{path}: a 30-megapixel photo, slow to encode at every cold build; {LARGE_MEGAPIXELS} megapixels are plenty"]
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000_000)  # a bomb: twice the limit
    with pytest.raises(PhotoError, match="too many pixels for a photo"):
        open_photo(str(path), 300)


def test_a_store_file_is_taken_only_as_it_was_made(tmp_path):
    """Recorded when made; a file changed since (same size and time included, with "digest") is not taken."""
    from photos import Store

    card = tmp_path / "card-x.jpg"
    card.write_bytes(b"\xff\xd8" + bytes(range(200)))
    for verify in ("stat", "digest"):
        store = Store(str(tmp_path), "recipe", "recipe", reuse=True, verify=verify)
        assert store.intact(str(card)) is None  # never recorded: made again, silently
        store.record(str(card))
        assert store.intact(str(card)) is True
        stat = card.stat()
        card.write_bytes(b"\xff\xd8" + bytes(reversed(range(200))))  # same size
        os.utime(card, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same time
        assert store.intact(str(card)) is (verify == "stat")  # only a full digest sees it
        os.truncate(card, 10)
        assert store.intact(str(card)) is False
        card.write_bytes(b"\xff\xd8" + bytes(range(200)))
