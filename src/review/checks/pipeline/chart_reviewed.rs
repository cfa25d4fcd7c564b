//! P7: what ArgoCD deploys is what was reviewed. The chart is reviewed as it renders (the review
//! itself does that, `review::chart`); P7 is the chart whose objects vibe cannot tell: a template
//! changed by hand (or a chart vibe did not write) with no helm to render it, or a chart helm
//! could not render.

use super::*;
use crate::chart::Rendering;

pub(super) fn p7(r: &Review, out: &mut Vec<Finding>) {
    for view in &r.model.charts {
        let Rendering::Unrenderable(u) = &view.rendering else { continue };
        let dir = &view.chart.dir;
        let vibes = u.file.starts_with(&format!("{}/", contract::CHART_DIR));
        let undo = if vibes {
            format!(
                "Undo it: `vibe generate` (or `vibe review --fix`) restores {} as vibe writes it from vibe.yaml and \
                 keeps your version in .vibe/backup/; to keep a setting, make it in vibe.yaml and run `vibe generate`. ",
                u.file
            )
        } else {
            String::new()
        };
        out.push(
            Finding::new(CheckId::P7, &u.file, u.line)
                .message(format!(
                    "ArgoCD deploys the chart {dir}, but what it renders cannot be reviewed: {} ({}), and {}",
                    u.file, u.changed, u.why
                ))
                .fix(format!(
                    "{undo}Or put `helm` on PATH (the gate image has it): the review then renders the chart and \
                     reviews the objects ArgoCD deploys."
                )),
        );
    }
}
