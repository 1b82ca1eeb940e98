/* ctr_events.c - a container's lifecycle events (see store/events.h) */
#include "core/json.h"
#include "runtime/ctr.h"
#include "runtime/ctr_exec.h"
#include "store/events.h"

void
pod_ctr_event(struct pod_engine *e, const struct pod_ctr *c, const char *status, int exit_code)
{
	json_t *img = json_object_get(json_object_get(c->data, "ImageConfig"), "Labels");
	json_t *own = json_object_get(c->settings, "Labels");
	cleanup_json json_t *labels = json_object();
	struct pod_event ev = {
		.type = "container",
		.status = status,
		.id = c->id,
		.image = pod_ctr_str(c, "ImageName"),
		.name = c->name,
		.pod_id = pod_ctr_setting_str(c, "Pod"),
		.exit_code = exit_code,
	};

	/* Podman's attributes are the container's labels, the image's included */
	if (json_is_object(img))
		json_object_update(labels, img);
	if (json_is_object(own))
		json_object_update(labels, own);
	ev.attributes = labels;
	if (STREQ(status, "health_status"))
		ev.health_status = pod_ctr_health_status(c);
	pod_event_emit_runroot(e->runroot, &ev);
}
