/* chain.c - the Filter chain (filters.h): the filters before the volumes
 * (filters.c), VolumeRestrictions and NodeVolumeLimits (nodevolumes.c),
 * VolumeBinding and VolumeZone (volumes.c), PodTopologySpread
 * (podtopo.c), InterPodAffinity (interpod.c), in the default profile's
 * order. */
#include <string.h>

#include "filters.h"

void sc_chain_init(struct sc_chain *ch, struct pts_state *pts, const struct sc_volmask *vol)
{
	struct sc_cluster *c = pts->c;

	memset(ch, 0, sizeof(*ch));
	ch->pts = pts;
	ch->vol = vol;
	ch->unsched.key = sc_intern_str(&c->strs, "node.kubernetes.io/unschedulable");
	ch->unsched.val = sc_intern_str(&c->strs, "");
	ch->unsched.effect = SC_NO_SCHEDULE;
	ipa_init(&ch->ipa, c, pts->pod);
	sc_nodevols_init(&ch->nv, c, pts->pod);
}

void sc_chain_release(struct sc_chain *ch)
{
	ipa_release(&ch->ipa);
	sc_nodevols_release(&ch->nv);
}

const char *sc_chain_prefilter(struct sc_chain *ch)
{
	const char *why;

	/* PodTopologySpread's counts are kept whatever rejects the pod: place
	 * --counts and explain print them */
	pts_prefilter(ch->pts);
	/* VolumeRestrictions' PreFilter runs before VolumeBinding's */
	ch->prefilter_plugin = "VolumeRestrictions";
	if ((why = sc_nodevols_prefilter(&ch->nv)))
		return why;
	/* VolumeBinding's PreFilter: claims missing, lost or unbound-immediate */
	ch->prefilter_plugin = "VolumeBinding";
	if (ch->vol && ch->vol->prefilter)
		return ch->vol->prefilter;
	ch->prefilter_plugin = NULL;
	return NULL;
}

bool sc_chain_filter(const struct sc_chain *ch, uint32_t n, struct sc_filter_verdict *v)
{
	const struct pts_state *st = ch->pts;
	const char *why, *plugin;

	if (sc_filters_before_spread(st->pod, &st->c->nodes[n], st->aff_ok[n], &ch->unsched, v))
		return true;
	if ((why = sc_nodevols_filter(&ch->nv, n, &plugin))) {
		sc_verdict_add(v, plugin, why);
		return true;
	}
	/* VolumeBinding, then VolumeZone: a node VolumeBinding rejects never
	 * reaches VolumeZone */
	if (ch->vol && ch->vol->why && ch->vol->why[n]) {
		uint8_t why_vol = ch->vol->why[n], binding = why_vol & (uint8_t)~SC_VOL_ZONE_CONFLICT;
		const char *vr[4];
		size_t k, nvr = sc_vol_reasons(binding ? binding : why_vol, vr);

		for (k = 0; k < nvr; k++)
			sc_verdict_add(v, binding ? "VolumeBinding" : "VolumeZone", vr[k]);
		return true;
	}
	if ((why = pts_filter(st, n))) {
		sc_verdict_add(v, "PodTopologySpread", why);
		return true;
	}
	if ((why = ipa_filter(&ch->ipa, n))) {
		sc_verdict_add(v, "InterPodAffinity", why);
		return true;
	}
	return false;
}
