"""One router per area of the API; tdkt.api.api mounts them all."""
