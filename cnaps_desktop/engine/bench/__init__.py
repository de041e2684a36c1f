"""The measurements behind `cnaps-desktop bench`: photos (``image``) and videos (``video``)."""
